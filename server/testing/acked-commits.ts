// A child process for the durability test: stores leads one by one through the group commit and prints "ACK n" the
// moment each insert resolves, where the server would answer 201.
import { writeSync } from 'node:fs';
import { connect } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { insertLead } from '../store/leads.ts';

const [url, count] = [process.argv[2], Number(process.argv[3] ?? 5)];
const db = connect(url);
await migrate(db);
const lead = { name: 'Anna Berg', email: 'anna@example.de', message: 'Bitte um Rückruf.', locale: 'de' as const };
for (let i = 0; i < count; i++) {
  await insertLead(db, () => new Date(), lead, [{ kind: 'mail.notification' }]);
  writeSync(1, `ACK ${i}\n`);
}
await db.kysely.destroy();
