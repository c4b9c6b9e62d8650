import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { purgeExpired } from '../admin/retention.ts';
import { parseRetentionRules } from '../admin/retention-rules.ts';
import { sqlitePath } from '../db/connect.ts';
import { LEAD, type OutboxFixture, outboxFixture } from '../testing/outbox-fixture.ts';

const TOKEN = 'scrub-test-admin-token-0123456789abcdef';
const ERIKA = { ...LEAD, name: 'Erika Quastenflosser', email: 'erika.quasten@beispiel.de', message: 'Zitronenfalter' };
const OTHER = { ...LEAD, name: 'Max Bystander', email: 'max.bystander@beispiel.de', message: 'Kohlweissling' };
const TRACES = ['erika.quasten', 'Quastenflosser', 'Zitronenfalter', 'Schwalbenschwanz'];

/** Every file of the database (leads.db, -wal, -shm), read as raw bytes. */
function databaseFiles(f: OutboxFixture): Map<string, Buffer> {
  const file = sqlitePath(f.h.testDb.url);
  const files = readdirSync(dirname(file)).filter((n) => n.startsWith(basename(file)));
  return new Map(files.map((n) => [n, readFileSync(join(dirname(file), n))]));
}

function tracesIn(files: Map<string, Buffer>, needles: string[]): string[] {
  const found: string[] = [];
  for (const [name, bytes] of files) for (const n of needles) if (bytes.includes(n)) found.push(`${n} in ${name}`);
  return found;
}

describe('Art. 17 erase on SQLite leaves no bytes in the database files', () => {
  let f: OutboxFixture;
  afterEach(() => f.close());

  const admin = (path: string, init: RequestInit = {}) =>
    f.h.app.request(`/api/admin${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    });

  async function seed() {
    f = await outboxFixture('sqlite', { ADMIN_TOKEN: TOKEN, CONFIRMATION_MAIL: 'on', COMPANY_NAME: 'Muster GmbH' });
    // Refused first, so the address also sits in job_attempts.error, then sent, then edited: many WAL frames.
    f.peer.failNext(451, 2, `4.2.0 <${ERIKA.email}> try later`);
    const ids = [await f.post(ERIKA), await f.post({ ...ERIKA, message: 'Schwalbenschwanz' }), await f.post(OTHER)];
    await f.outbox.drainOnce();
    f.h.advance(10_000);
    await f.outbox.drainOnce();
    const states = await f.h.testDb.db.kysely.selectFrom('jobs').select('state').execute();
    expect(states.length).toBeGreaterThanOrEqual(4);
    expect(states.every((j) => j.state === 'sent')).toBe(true);
    const patched = await admin(`/leads/${ids[0]}`, { method: 'PATCH', body: JSON.stringify({ status: 'lost' }) });
    expect(patched.status).toBe(200);
    expect(tracesIn(databaseFiles(f), TRACES).length).toBeGreaterThan(0);
    return ids;
  }

  it('after DELETE /api/admin/subjects the address, name and message are in no file, the bystander still is', async () => {
    await seed();
    const res = await admin(`/subjects?email=${encodeURIComponent(ERIKA.email)}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ erased: { leads: 2 } });
    const files = databaseFiles(f);
    expect(tracesIn(files, TRACES)).toEqual([]);
    expect(tracesIn(files, ['max.bystander'])).toEqual(['max.bystander in leads.db']);
  });

  it('after the retention purge the expired lead leaves no bytes either', async () => {
    await seed();
    f.h.advance(366 * 86_400_000);
    const rules = parseRetentionRules('lost:365,default:730');
    if (!rules.ok) throw new Error(rules.reason);
    const result = await purgeExpired(f.h.testDb.db, f.h.deps.clock, rules.rules);
    expect(result.purged).toBe(1);
    // The lost lead is gone byte for byte; its twin (status new, kept 730 days) is still there.
    const files = databaseFiles(f);
    expect(tracesIn(files, ['Zitronenfalter', 'Schwalbenschwanz'])).toEqual(['Schwalbenschwanz in leads.db']);
    expect(files.get('leads.db-wal')?.length ?? 0).toBe(0);
  });
});
