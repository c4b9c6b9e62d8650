// A child process for the durability test: stores `count` leads through the group commit, starting one every
// `everyMs` without waiting for the one before, and prints "ACK n" the moment each insert resolves (where the server
// would answer 201). Messages are padded to `length` characters, so a batch changes many pages. With `elsewhere` it
// leaves checkpoints to another connection, as the server's request thread does.
import { writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkpointElsewhere } from '../db/checkpoints.ts';
import { connect } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { insertLead } from '../store/leads.ts';

const [url, count, everyMs] = [process.argv[2], Number(process.argv[3] ?? 5), Number(process.argv[4] ?? 0)];
const length = Number(process.argv[5] ?? 0);
const db = connect(url);
await migrate(db);
if (process.argv[6] === 'elsewhere') checkpointElsewhere(db);
const inserts: Promise<void>[] = [];
for (let i = 0; i < count; i++) {
  // The marker lets the test find the WAL write that first carried this lead.
  const lead = {
    name: 'Anna Berg',
    email: 'anna@example.de',
    message: `marker-${i}-end`.padEnd(length, '.'),
    locale: 'de' as const,
  };
  const insert = insertLead(db, () => new Date(), lead, [{ kind: 'mail.notification' }]);
  inserts.push(insert.then(() => void writeSync(1, `ACK ${i}\n`)));
  // Without a pause each lead waits for the one before: one lead per commit.
  if (everyMs) await sleep(everyMs);
  else await insert;
}
await Promise.all(inserts);
await db.kysely.destroy();
