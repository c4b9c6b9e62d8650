import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Db, sqlitePath } from '../db/connect.ts';
import { uuidv7 } from '../ids.ts';
import { freshDb, freshSqlite, type TestDb } from '../testing/databases.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { finishJob } from './finish-jobs.ts';
import { claimJob, claimJobs, nextDueAt, releaseJobs, sentSince } from './jobs.ts';

const T0 = new Date('2026-11-28T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const KIND = 'mail.notification';
const LEASE = 60_000;

async function addJob(
  db: Db,
  fields: { kind?: string; state?: string; next?: Date; lease?: Date; attempts?: number } = {},
): Promise<string> {
  const id = uuidv7();
  await db.kysely
    .insertInto('jobs')
    .values({
      id,
      lead_id: uuidv7(),
      kind: fields.kind ?? KIND,
      target: null,
      state: fields.state ?? 'pending',
      attempts: fields.attempts ?? 0,
      next_attempt_at: (fields.next ?? T0).toISOString(),
      lease_until: fields.lease?.toISOString() ?? null,
      last_error: null,
      created_at: T0.toISOString(),
      updated_at: T0.toISOString(),
      sent_at: null,
    })
    .execute();
  return id;
}

const claim = (db: Db, now = T0, kinds = [KIND]) => claimJob(db, { kinds, now, leaseMs: LEASE });

describeEachDb('jobs store: claims and leases', (dialect) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(dialect);
  });
  afterAll(() => t.drop());
  beforeEach(async () => {
    await t.db.kysely.deleteFrom('job_attempts').execute();
    await t.db.kysely.deleteFrom('jobs').execute();
  });

  it('hands claimed jobs that never started back, as if unclaimed, unless they were claimed again meanwhile', async () => {
    const ids = [await addJob(t.db), await addJob(t.db), await addJob(t.db)];
    const claimed = await claimJobs(t.db, { kinds: [KIND], now: T0, leaseMs: LEASE, limit: 3 });
    expect(claimed.map((j) => j.id).sort()).toEqual([...ids].sort());
    // The third one's lease ran out and another worker holds it now: it must stay with that worker.
    const stolen = claimed[2];
    await t.db.kysely
      .updateTable('jobs')
      .set({ attempts: stolen.attempts + 1 })
      .where('id', '=', stolen.id)
      .execute();
    await releaseJobs(t.db, claimed);
    const rows = await t.db.kysely.selectFrom('jobs').select(['id', 'state', 'attempts', 'lease_until']).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const job of claimed.slice(0, 2))
      expect(byId.get(job.id)).toEqual({ id: job.id, state: 'pending', attempts: 0, lease_until: null });
    expect(byId.get(stolen.id)).toMatchObject({ state: 'sending', attempts: 2 });
    expect((await claim(t.db))?.id).toBeDefined();
  });

  it('claims a due pending job: state sending, a lease, one more attempt', async () => {
    const id = await addJob(t.db);
    const job = await claim(t.db);
    expect(job).toMatchObject({ id, state: 'sending', attempts: 1, lease_until: at(LEASE).toISOString() });
    expect(await claim(t.db)).toBeUndefined();
  });

  it('leaves a job that is not due yet, and kinds it was not asked for', async () => {
    await addJob(t.db, { next: at(5000) });
    await addJob(t.db, { kind: 'webhook.delivery' });
    expect(await claim(t.db)).toBeUndefined();
    expect((await claim(t.db, at(5000)))?.next_attempt_at).toBe(at(5000).toISOString());
  });

  it('claims a job whose worker died (sending, lease expired) but not one with a live lease', async () => {
    const dead = await addJob(t.db, { state: 'sending', lease: at(-1), attempts: 1 });
    const live = await addJob(t.db, { state: 'sending', lease: at(30_000), attempts: 1 });
    const job = await claim(t.db);
    expect(job).toMatchObject({ id: dead, attempts: 2, state: 'sending' });
    expect(await claim(t.db)).toBeUndefined();
    expect((await claim(t.db, at(30_000)))?.id).toBe(live);
  });

  it('records every attempt and moves the job to sent, pending or dead', async () => {
    const [a, b, c] = [await addJob(t.db), await addJob(t.db), await addJob(t.db)];
    const jobs = [await claim(t.db), await claim(t.db), await claim(t.db)];
    const byId = Object.fromEntries(jobs.map((j) => [j!.id, j!]));
    expect(await finishJob(t.db, byId[a], { ok: true }, at(1)));
    expect(await finishJob(t.db, byId[b], { ok: false, error: 'E_SMTP_TEMPORARY: 451', retryAt: at(9000) }, at(1)));
    expect(await finishJob(t.db, byId[c], { ok: false, error: 'E_SMTP_PERMANENT: 550', dead: true }, at(1)));
    const rows = await t.db.kysely.selectFrom('jobs').selectAll().execute();
    const state = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(state[a]).toMatchObject({ state: 'sent', sent_at: at(1).toISOString(), lease_until: null });
    expect(state[b]).toMatchObject({
      state: 'pending',
      next_attempt_at: at(9000).toISOString(),
      last_error: 'E_SMTP_TEMPORARY: 451',
    });
    expect(state[c]).toMatchObject({ state: 'dead', last_error: 'E_SMTP_PERMANENT: 550' });
    const attempts = await t.db.kysely.selectFrom('job_attempts').select(['job_id', 'ok', 'error']).execute();
    expect(attempts).toHaveLength(3);
    expect(attempts.find((x) => x.job_id === a)).toMatchObject({ ok: 1, error: null });
  });

  it('lets a newer claim win over a worker whose lease ran out, but still records the late attempt', async () => {
    await addJob(t.db);
    const stale = (await claim(t.db))!;
    const fresh = (await claim(t.db, at(LEASE)))!;
    expect(fresh.attempts).toBe(2);
    expect(await finishJob(t.db, stale, { ok: false, error: 'late', dead: true }, at(LEASE + 1))).toBe(false);
    expect(await finishJob(t.db, fresh, { ok: true }, at(LEASE + 2))).toBe(true);
    const row = await t.db.kysely.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(row.state).toBe('sent');
    expect(await t.db.kysely.selectFrom('job_attempts').select('ok').orderBy('id').execute()).toEqual([
      { ok: 0 },
      { ok: 1 },
    ]);
  });

  it('records no attempt for a job erased while it was in flight', async () => {
    const id = await addJob(t.db);
    const job = (await claim(t.db))!;
    await t.db.kysely.deleteFrom('jobs').where('id', '=', id).execute();
    expect(await finishJob(t.db, job, { ok: true }, at(1))).toBe(false);
    expect(await t.db.kysely.selectFrom('job_attempts').selectAll().execute()).toEqual([]);
  });

  it('answers each outcome of a batch written together for itself: moved on, overtaken or erased', async () => {
    const [done, overtaken, erased] = [await addJob(t.db), await addJob(t.db), await addJob(t.db)];
    const held = await claimJobs(t.db, { kinds: [KIND], now: T0, leaseMs: LEASE, limit: 3 });
    const byId = Object.fromEntries(held.map((j) => [j.id, j]));
    // Only this one's lease runs out, and another worker claims it.
    const later = at(3 * LEASE).toISOString();
    await t.db.kysely.updateTable('jobs').set({ lease_until: later }).where('id', '!=', overtaken).execute();
    expect((await claim(t.db, at(LEASE)))?.id).toBe(overtaken);
    await t.db.kysely.deleteFrom('jobs').where('id', '=', erased).execute();
    const answers = await Promise.all(
      [done, overtaken, erased].map((id) => finishJob(t.db, byId[id], { ok: true }, at(LEASE + 1))),
    );
    expect(answers).toEqual([true, false, false]);
    const attempts = await t.db.kysely.selectFrom('job_attempts').select('job_id').execute();
    expect(attempts.map((a) => a.job_id).sort()).toEqual([done, overtaken].sort());
  });

  it('hands each job to exactly one of many concurrent claimers', async () => {
    const ids = [];
    for (let i = 0; i < 30; i++) ids.push(await addJob(t.db));
    const claimer = async () => {
      const got: string[] = [];
      for (let job = await claim(t.db); job; job = await claim(t.db)) got.push(job.id);
      return got;
    };
    const results = await Promise.all(Array.from({ length: 6 }, claimer));
    const all = results.flat();
    expect(all.sort()).toEqual(ids.sort());
    expect(new Set(all).size).toBe(30);
  });

  it('claims a batch in one statement, oldest due first, never past the limit', async () => {
    const ids = [];
    for (let i = 5; i > 0; i--) ids.push(await addJob(t.db, { next: at(-i) }));
    const batch = await claimJobs(t.db, { kinds: [KIND], now: T0, leaseMs: LEASE, limit: 3 });
    expect(batch.map((j) => j.id)).toEqual(ids.slice(0, 3));
    expect(batch.every((j) => j.state === 'sending' && j.attempts === 1)).toBe(true);
    expect((await claimJobs(t.db, { kinds: [KIND], now: T0, leaseMs: LEASE, limit: 3 })).map((j) => j.id)).toEqual(
      ids.slice(3),
    );
  });

  it('hands each job to exactly one of many concurrent batch claimers', async () => {
    const ids = [];
    for (let i = 0; i < 40; i++) ids.push(await addJob(t.db));
    const claimer = async () => {
      const got: string[] = [];
      for (let jobs = await claimJobs(t.db, { kinds: [KIND], now: T0, leaseMs: LEASE, limit: 4 }); jobs.length; ) {
        got.push(...jobs.map((j) => j.id));
        jobs = await claimJobs(t.db, { kinds: [KIND], now: T0, leaseMs: LEASE, limit: 4 });
      }
      return got;
    };
    const all = (await Promise.all(Array.from({ length: 6 }, claimer))).flat();
    expect(all.length).toBe(40);
    expect(new Set(all)).toEqual(new Set(ids));
  });

  it('counts successful attempts of the given kinds inside the window', async () => {
    await addJob(t.db, { next: at(-3) });
    await addJob(t.db, { next: at(-2) });
    await addJob(t.db, { kind: 'webhook.delivery', next: at(-1) });
    const kinds = [KIND, 'webhook.delivery'];
    const jobs = [(await claim(t.db, T0, kinds))!, (await claim(t.db, T0, kinds))!, (await claim(t.db, T0, kinds))!];
    await finishJob(t.db, jobs[0], { ok: true }, at(1000));
    await finishJob(t.db, jobs[1], { ok: true }, at(2000));
    await finishJob(t.db, jobs[2], { ok: true }, at(3000));
    expect(await sentSince(t.db, [KIND], T0)).toEqual({ count: 2, oldest: at(1000).toISOString() });
    expect(await sentSince(t.db, [KIND], at(1000))).toEqual({ count: 1, oldest: at(2000).toISOString() });
    expect((await sentSince(t.db, kinds, at(2500))).count).toBe(1);
  });

  it('reports the next due retry or expiring lease', async () => {
    expect(await nextDueAt(t.db, [KIND])).toBeUndefined();
    await addJob(t.db, { next: at(7000) });
    await addJob(t.db, { state: 'sending', lease: at(4000), next: at(-1000) });
    await addJob(t.db, { state: 'sent', next: at(-9000) });
    expect((await nextDueAt(t.db, [KIND]))?.toISOString()).toBe(at(4000).toISOString());
  });

  it('finds and claims the other kinds behind pending mails, oldest due first, and never a mail', async () => {
    const other = ['webhook.lead.created', 'webhook.lead.updated'];
    for (let i = 0; i < 5; i++) await addJob(t.db, { next: at(-9000 + i) });
    const late = await addJob(t.db, { kind: other[1], next: at(-500) });
    const early = await addJob(t.db, { kind: other[0], next: at(-1000) });
    await addJob(t.db, { kind: other[0], next: at(5000) });
    await addJob(t.db, { kind: other[0], state: 'sent', next: at(-8000) });
    expect((await nextDueAt(t.db, other))?.toISOString()).toBe(at(-1000).toISOString());
    const batch = await claimJobs(t.db, { kinds: other, now: T0, leaseMs: LEASE, limit: 5 });
    expect(batch.map((j) => j.id)).toEqual([early, late]);
    expect((await nextDueAt(t.db, other))?.toISOString()).toBe(at(5000).toISOString());
    expect((await nextDueAt(t.db, [KIND, ...other]))?.toISOString()).toBe(at(-9000).toISOString());
  });
});

describe('jobs store: claims while another connection holds the SQLite write lock', () => {
  let t: TestDb;
  let holder: SqliteDatabase.Database;
  beforeAll(async () => {
    t = await freshSqlite();
    holder = new SqliteDatabase(sqlitePath(t.url));
  });
  afterAll(async () => {
    holder.close();
    await t.drop();
  });

  it('answers that nothing is due at once, without waiting for the lock', async () => {
    await addJob(t.db, { next: at(60_000) });
    holder.exec('begin immediate');
    try {
      const started = performance.now();
      expect(await claim(t.db)).toBeUndefined();
      // Waiting for the lock would take BUSY_DEADLINE_MS and end in SQLITE_BUSY.
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      holder.exec('rollback');
    }
  });

  it('waits for the lock when a job is due, and claims it once the lock is free', async () => {
    const id = await addJob(t.db, { next: at(-1) });
    holder.exec('begin immediate');
    setTimeout(() => holder.exec('commit'), 200);
    const started = performance.now();
    expect((await claim(t.db))?.id).toBe(id);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });
});
