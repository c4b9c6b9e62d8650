import { type Kysely, type Selectable, sql } from 'kysely';
import { type Clock, iso } from '../clock.ts';
import type { Db } from '../db/connect.ts';
import type { Database, JobsTable } from '../db/schema.ts';
import { uuidv7 } from '../ids.ts';
import { inTransaction } from './group-commit.ts';
import { insertRows } from './insert-rows.ts';
import { type JobKind, MAIL_KIND_PREFIX } from './job-kinds.ts';

export type JobRow = Selectable<JobsTable>;

// The index of migration 0008 holds the pending jobs that are no mail; SQLite takes it only for a query that repeats
// its condition word for word, so the pattern is a literal.
const NO_MAIL = sql.lit(`${MAIL_KIND_PREFIX}%`);
const pendingOtherOnly = (state: 'pending' | 'sending', kinds: string[]) =>
  state === 'pending' && !kinds.some((kind) => kind.startsWith(MAIL_KIND_PREFIX));

export interface NewJob {
  kind: JobKind;
  target?: string;
}

/** The one writer of job rows: pending, due now, no lease; inside the caller's transaction. */
export async function insertJobs(
  trx: Kysely<Database>,
  clock: Clock,
  leadId: string | null,
  jobs: NewJob[],
): Promise<number> {
  if (!jobs.length) return 0;
  const now = iso(clock);
  await insertRows(
    trx,
    'jobs',
    jobs.map((job) => ({
      id: uuidv7(clock().getTime()),
      lead_id: leadId,
      kind: job.kind,
      target: job.target ?? null,
      state: 'pending',
      next_attempt_at: now,
      lease_until: null,
      last_error: null,
      created_at: now,
      updated_at: now,
      sent_at: null,
    })),
  );
  return jobs.length;
}

/**
 * Puts a finished (sent or dead) job back in the queue with fresh attempts and no lease, so the worker treats it as
 * new and the dead limit counts anew; false when its state changed meanwhile.
 */
export async function requeueJob(trx: Kysely<Database>, job: { id: string; state: string }, now: string) {
  const r = await trx
    .updateTable('jobs')
    .set({ state: 'pending', attempts: 0, next_attempt_at: now, lease_until: null, updated_at: now })
    .where('id', '=', job.id)
    .where('state', '=', job.state)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Whether a job of this kind (and target) was created after `since`: the memory of per-hour and per-day caps. */
export async function recentJobExists(
  trx: Kysely<Database>,
  kind: JobKind,
  since: Date,
  target?: string,
): Promise<boolean> {
  const row = await trx
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', kind)
    .$if(target !== undefined, (q) => q.where('target', '=', target!))
    .where('created_at', '>', since.toISOString())
    .limit(1)
    .executeTakeFirst();
  return Boolean(row);
}

/** The newest job of a kind for one lead. */
export function latestJob(trx: Kysely<Database>, leadId: string, kind: JobKind) {
  return trx
    .selectFrom('jobs')
    .select(['id', 'kind', 'state'])
    .where('lead_id', '=', leadId)
    .where('kind', '=', kind)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

export interface ClaimOptions {
  /** Only these kinds are claimed: a kind without a handler in this instance stays untouched. */
  kinds: string[];
  now: Date;
  leaseMs: number;
  /** How many to claim at most; one statement for a batch saves a commit (an fsync on SQLite) per job. */
  limit?: number;
}

/**
 * Claims due jobs: pending and due, or 'sending' with an expired lease (its worker died).
 * The claim bumps attempts, which then serves as the fencing token for finishing the job.
 */
export async function claimJobs(db: Db, opts: ClaimOptions): Promise<JobRow[]> {
  const limit = opts.limit ?? 1;
  if (!opts.kinds.length || limit < 1) return [];
  // A claim takes SQLite's write lock even when it finds nothing, and the request thread then waits for the lock:
  // under a full MAIL_PER_HOUR each stored lead woke such a claim. A read first needs no lock.
  if (db.dialect === 'sqlite' && !(await anyDue(db, opts.kinds, opts.now))) return [];
  const now = opts.now.toISOString();
  const leaseUntil = new Date(opts.now.getTime() + opts.leaseMs).toISOString();
  // One state per statement, ordered by its own indexed time: an OR of both would sort every due row to take a few.
  // The state is a literal so SQLite can see that the partial lease index (0007) covers 'sending'.
  const claim = (
    trx: Kysely<Database>,
    state: 'pending' | 'sending',
    due: 'next_attempt_at' | 'lease_until',
    n: number,
  ) =>
    trx
      .updateTable('jobs')
      .set((eb) => ({ state: 'sending', lease_until: leaseUntil, attempts: eb('attempts', '+', 1), updated_at: now }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where('state', '=', sql.lit(state))
          .where(due, '<=', now)
          .where('kind', 'in', opts.kinds)
          .$if(pendingOtherOnly(state, opts.kinds), (q) => q.where('kind', 'not like', NO_MAIL))
          .orderBy(due)
          .limit(n)
          // Several instances drain together: each skips the rows another one is claiming.
          .$if(db.dialect === 'postgres', (q) => q.forUpdate().skipLocked()),
      )
      .returningAll()
      .execute();
  // Through the group commit: on SQLite a claim shares its commit with the outcomes and leads around it.
  const rows = await inTransaction(
    db,
    async (trx) => {
      // Jobs whose worker died come first: they are few, and the oldest.
      const orphans = await claim(trx, 'sending', 'lease_until', limit);
      return orphans.length < limit
        ? [...orphans, ...(await claim(trx, 'pending', 'next_attempt_at', limit - orphans.length))]
        : orphans;
    },
    { durable: false },
  );
  // RETURNING has no order; hand out the oldest due first.
  return rows.sort((a, b) => a.next_attempt_at.localeCompare(b.next_attempt_at) || a.id.localeCompare(b.id));
}

/** Claims one due job (see claimJobs). */
export async function claimJob(db: Db, opts: Omit<ClaimOptions, 'limit'>): Promise<JobRow | undefined> {
  return (await claimJobs(db, { ...opts, limit: 1 }))[0];
}

/** Hands claimed jobs that never started back to the queue, undoing their claim. */
export async function releaseJobs(db: Db, jobs: JobRow[]): Promise<void> {
  if (!jobs.length) return;
  await inTransaction(db, async (trx) => {
    for (const job of jobs) {
      await trx
        .updateTable('jobs')
        .set({ state: 'pending', lease_until: null, attempts: job.attempts - 1 })
        .where('id', '=', job.id)
        .where('state', '=', 'sending')
        .where('attempts', '=', job.attempts)
        .execute();
    }
  });
}

/** Successful attempts of these kinds since a moment, and the oldest of them (when the window frees a slot). */
export async function sentSince(
  db: Db,
  kinds: string[],
  since: Date,
): Promise<{ count: number; oldest: string | null }> {
  if (!kinds.length) return { count: 0, oldest: null };
  const row = await db.kysely
    .selectFrom('job_attempts')
    .innerJoin('jobs', 'jobs.id', 'job_attempts.job_id')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.min('job_attempts.at').as('oldest')])
    .where('job_attempts.ok', '=', 1)
    .where('job_attempts.at', '>', since.toISOString())
    .where('jobs.kind', 'in', kinds)
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), oldest: (row.oldest as string | null) ?? null };
}

async function anyDue(db: Db, kinds: string[], now: Date): Promise<boolean> {
  const next = await nextDueAt(db, kinds);
  return next !== undefined && next <= now;
}

/** The earliest moment a job of these kinds becomes claimable: a due retry or an expiring lease. */
export async function nextDueAt(db: Db, kinds: string[]): Promise<Date | undefined> {
  if (!kinds.length) return undefined;
  // Two indexed look-ups instead of one MIN over a CASE, which would read every pending row on each tick.
  const first = (state: 'pending' | 'sending', due: 'next_attempt_at' | 'lease_until') =>
    db.kysely
      .selectFrom('jobs')
      .select(`${due} as due`)
      .where('state', '=', sql.lit(state))
      .where('kind', 'in', kinds)
      .$if(pendingOtherOnly(state, kinds), (q) => q.where('kind', 'not like', NO_MAIL))
      .orderBy(due)
      .limit(1)
      .executeTakeFirst();
  const times = [await first('pending', 'next_attempt_at'), await first('sending', 'lease_until')]
    .map((row) => row?.due)
    .filter((due): due is string => Boolean(due));
  return times.length ? new Date(times.sort()[0]) : undefined;
}

// A sent mail's outcome (finish-jobs.ts) and a lease renewal wait this long for others to share their transaction:
// under a burst that is a tenth of the commits, and of the WAL pages the request thread's sync must write out.
export const OUTCOME_GATHER_MS = 20;

/** Extends the lease of jobs this worker still holds (fenced by attempts), so a long send is never claimed twice. */
export async function renewLeases(db: Db, jobs: JobRow[], leaseUntil: Date): Promise<void> {
  if (!jobs.length) return;
  const until = leaseUntil.toISOString();
  await inTransaction(
    db,
    async (trx) => {
      for (const job of jobs)
        await trx
          .updateTable('jobs')
          .set({ lease_until: until })
          .where('id', '=', job.id)
          .where('state', '=', 'sending')
          .where('attempts', '=', job.attempts)
          .execute();
    },
    { durable: false, gatherMs: OUTCOME_GATHER_MS },
  );
}
