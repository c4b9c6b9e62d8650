import { afterEach, beforeEach, expect, it } from 'vitest';
import { freshSqlite, type TestDb } from '../testing/databases.ts';
import { claimJobs, nextDueAt } from './jobs.ts';
import { insertLead } from './leads.ts';

const KIND = 'mail.notification';
const lead = { name: 'Ada', email: 'ada@example.de', message: 'Bitte um Rückruf.', locale: 'de' as const };

let t: TestDb;
let statements: string[];

beforeEach(async () => {
  t = await freshSqlite();
  const raw = t.db.sqlite!;
  const prepare = raw.prepare.bind(raw);
  statements = [];
  // The statement cache prepares each new text once: recording here sees every query the store sends.
  raw.prepare = ((text: string) => {
    statements.push(text);
    return prepare(text);
  }) as typeof raw.prepare;
});
afterEach(() => t.drop());

/** SQLite's own account of how it reads the jobs table for each recorded statement that touches it. */
function plans(): string[] {
  return statements
    .filter((text) => /"jobs"/.test(text) && !/^insert/i.test(text))
    .flatMap((text) => {
      const params = Array.from(text.matchAll(/\?/g), () => 'x');
      const rows = t.db.sqlite!.prepare(`explain query plan ${text}`).all(...params) as { detail: string }[];
      return rows.map((row) => row.detail);
    });
}

it('a claim and the next-due look-up find due jobs through an index in due order: no scan, no sort of every job', async () => {
  const clock = () => new Date();
  await Promise.all(Array.from({ length: 50 }, () => insertLead(t.db, clock, lead, [{ kind: KIND }])));
  await claimJobs(t.db, { kinds: [KIND], now: new Date(), leaseMs: 60_000, limit: 5 });
  await nextDueAt(t.db, [KIND]);
  const read = plans();
  expect(read.length).toBeGreaterThan(0);
  // A scan, or a sort of the rows found, would cost every claim more the longer the server has run.
  expect(read.filter((detail) => /^SCAN|TEMP B-TREE|jobs_kind_target_created_idx/.test(detail))).toEqual([]);
  expect(read.some((detail) => detail.includes('jobs_lease_idx'))).toBe(true);
});

it('under a full mail cap, the look-ups for the other kinds read only pending jobs that are no mail', async () => {
  const clock = () => new Date();
  const other = ['webhook.lead.created', 'webhook.lead.updated'];
  await Promise.all(Array.from({ length: 200 }, () => insertLead(t.db, clock, lead, [{ kind: KIND }])));
  const { id } = await insertLead(t.db, clock, lead, [{ kind: KIND }, { kind: 'webhook.lead.created', target: 'a' }]);
  statements = [];
  const due = await nextDueAt(t.db, other);
  const claimed = await claimJobs(t.db, { kinds: other, now: new Date(Date.now() + 1000), leaseMs: 60_000, limit: 5 });
  expect(due).toBeInstanceOf(Date);
  expect(claimed.map((job) => [job.kind, job.lead_id])).toEqual([['webhook.lead.created', id]]);
  const read = plans();
  // Through jobs_due_idx each look-up stepped over all 201 pending mails before it found the webhook job, or none.
  expect(read.filter((detail) => /jobs_due_idx|^SCAN|TEMP B-TREE/.test(detail))).toEqual([]);
  expect(read.filter((detail) => detail.includes('jobs_pending_other_idx')).length).toBeGreaterThanOrEqual(2);
});
