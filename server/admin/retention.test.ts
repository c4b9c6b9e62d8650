import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { iso } from '../clock.ts';
import { uuidv7 } from '../ids.ts';
import { admin, adminHarness, seedLead } from '../testing/admin-harness.ts';
import type { Harness } from '../testing/app-harness.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { PURGE_LOCK, purgeExpired, startRetention } from './retention.ts';

const DAY = 86_400_000;
const rules = { spam: 30, lost: 365, default: 730 };

describeEachDb('retention purge', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await adminHarness(dialect);
  });
  afterAll(() => h.close());

  const alive = async (ids: string[]) =>
    (await h.deps.db.kysely.selectFrom('leads').select('id').where('id', 'in', ids).execute()).map((r) => r.id).sort();
  const jobsOf = async (ids: string[]) =>
    (await h.deps.db.kysely.selectFrom('jobs').select('id').where('lead_id', 'in', ids).execute()).length;

  it('erases each lead once it has gone unchanged longer than its status allows, with its derived rows', async () => {
    const spam = await seedLead(h, { status: 'spam' });
    const lost = await seedLead(h, { status: 'lost' });
    const open = await seedLead(h);
    const touched = await seedLead(h);
    const all = [spam, lost, open, touched];

    h.advance(29 * DAY);
    expect(await purgeExpired(h.deps.db, h.deps.clock, rules)).toEqual({
      purged: 0,
      byStatus: {},
      orphans: 0,
      skipped: false,
    });

    h.advance(2 * DAY);
    expect(await purgeExpired(h.deps.db, h.deps.clock, rules)).toEqual({
      purged: 1,
      byStatus: { spam: 1 },
      orphans: 0,
      skipped: false,
    });
    expect(await alive(all)).toEqual([lost, open, touched].sort());
    expect(await jobsOf([spam])).toBe(0);

    h.advance(335 * DAY);
    expect((await purgeExpired(h.deps.db, h.deps.clock, rules)).byStatus).toEqual({ lost: 1 });

    // A change restarts the clock: the sales team is still working on this lead.
    h.advance(300 * DAY);
    expect(
      (await admin(h, `/leads/${touched}`, { method: 'PATCH', body: JSON.stringify({ status: 'qualified' }) })).status,
    ).toBe(200);
    h.advance(100 * DAY);
    expect(await purgeExpired(h.deps.db, h.deps.clock, rules)).toMatchObject({ purged: 1, byStatus: { new: 1 } });
    expect(await alive(all)).toEqual([touched]);
    expect(
      await h.deps.db.kysely.selectFrom('audit_log').select('id').where('lead_id', '=', touched).execute(),
    ).toHaveLength(1);

    h.advance(700 * DAY);
    await purgeExpired(h.deps.db, h.deps.clock, rules);
    expect(await alive(all)).toEqual([]);
    expect(
      await h.deps.db.kysely.selectFrom('audit_log').select('id').where('lead_id', '=', touched).execute(),
    ).toHaveLength(0);
    expect(
      await h.deps.db.kysely.selectFrom('idempotency_keys').select('key').where('lead_id', 'in', all).execute(),
    ).toHaveLength(0);
  });

  it('purges more leads than one batch holds', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 520; i++) ids.push(await seedLead(h, { status: 'spam' }));
    h.advance(31 * DAY);
    expect(await purgeExpired(h.deps.db, h.deps.clock, rules)).toMatchObject({ purged: 520 });
    expect(await alive(ids)).toEqual([]);
  });

  it('sweeps attempt rows a worker recorded after their lead was erased', async () => {
    const id = await seedLead(h, { email: 'spaet@example.de' });
    const job = await h.deps.db.kysely
      .selectFrom('jobs')
      .select('id')
      .where('lead_id', '=', id)
      .executeTakeFirstOrThrow();
    expect((await admin(h, `/leads/${id}`, { method: 'DELETE' })).status).toBe(200);
    // What finishJob (store/finish-jobs.ts) does when a send ends after the erase: it records the attempt regardless.
    await h.deps.db.kysely
      .insertInto('job_attempts')
      .values({
        id: uuidv7(),
        job_id: job.id,
        lead_id: id,
        at: iso(h.deps.clock),
        ok: 0,
        error: '550 <spaet@example.de>',
      })
      .execute();
    expect(await purgeExpired(h.deps.db, h.deps.clock, rules)).toMatchObject({ purged: 0, orphans: 1 });
    expect(
      await h.deps.db.kysely.selectFrom('job_attempts').select('id').where('job_id', '=', job.id).execute(),
    ).toEqual([]);
  });

  it('runs from the scheduler and logs counts only', async () => {
    const id = await seedLead(h, { status: 'spam', name: 'Geheim Name', email: 'geheim@example.de' });
    h.advance(31 * DAY);
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const job = startRetention({ db: h.deps.db, clock: h.deps.clock, logger, rules }, 60_000);
    await expect.poll(() => lines.length, { timeout: 15_000 }).toBeGreaterThan(0);
    job.stop();
    expect(lines[0]).toContain('"purged":1');
    expect(lines.join()).not.toMatch(/geheim|example\.de/i);
    expect(await alive([id])).toEqual([]);
  });

  if (dialect === 'postgres') {
    it('skips while another instance holds the purge lock', async () => {
      const id = await seedLead(h, { status: 'spam' });
      h.advance(31 * DAY);
      const other = new pg.Client({ connectionString: h.testDb.url });
      await other.connect();
      try {
        await other.query('begin');
        await other.query('select pg_advisory_xact_lock($1)', [PURGE_LOCK]);
        expect(await purgeExpired(h.deps.db, h.deps.clock, rules)).toEqual({
          purged: 0,
          byStatus: {},
          orphans: 0,
          skipped: true,
        });
        expect(await alive([id])).toEqual([id]);
        await other.query('commit');
        expect((await purgeExpired(h.deps.db, h.deps.clock, rules)).purged).toBe(1);
      } finally {
        await other.end();
      }
    });
  }
});
