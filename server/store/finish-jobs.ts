import type { Insertable, Kysely } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { Database, JobAttemptsTable } from '../db/schema.ts';
import { uuidv7 } from '../ids.ts';
import { inTransaction } from './group-commit.ts';
import { type JobRow, OUTCOME_GATHER_MS } from './jobs.ts';

export type JobOutcome =
  | { ok: true }
  | { ok: false; error: string; retryAt: Date }
  | { ok: false; error: string; dead: true };

// Six parameters per attempt row: far below any driver's limit.
const MAX_BATCH = 200;

interface Finish {
  job: JobRow;
  outcome: JobOutcome;
  now: Date;
  resolve: (current: boolean) => void;
  reject: (err: unknown) => void;
}

const gathering = new WeakMap<Db, { items: Finish[]; timer: NodeJS.Timeout }>();

/**
 * Records the attempt and moves the job on. Returns false when the job was claimed again meanwhile (our lease ran
 * out); the attempt is still recorded, the newer claim wins the state. Outcomes that arrive together are written in
 * one transaction with one insert of their attempts; a failure reaches every caller of that transaction.
 */
export function finishJob(db: Db, job: JobRow, outcome: JobOutcome, now: Date): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    let batch = gathering.get(db);
    if (!batch) {
      const items: Finish[] = [];
      batch = { items, timer: setTimeout(() => write(db, items), OUTCOME_GATHER_MS) };
      gathering.set(db, batch);
    }
    batch.items.push({ job, outcome, now, resolve, reject });
    if (batch.items.length >= MAX_BATCH) {
      clearTimeout(batch.timer);
      write(db, batch.items);
    }
  });
}

function write(db: Db, items: Finish[]): void {
  if (gathering.get(db)?.items === items) gathering.delete(db);
  // Runs from a timer: even a synchronous throw must reach the callers, not the process.
  Promise.resolve()
    .then(() => inTransaction(db, (trx) => finishAll(trx, items), { durable: false }))
    .then(
      (current) => {
        for (const [i, item] of items.entries()) item.resolve(current[i]);
      },
      (err: unknown) => {
        for (const item of items) item.reject(err);
      },
    );
}

async function finishAll(trx: Kysely<Database>, items: Finish[]): Promise<boolean[]> {
  const current: boolean[] = [];
  const attempts: Insertable<JobAttemptsTable>[] = [];
  for (const { job, outcome, now } of items) {
    const at = now.toISOString();
    const moved = await moveOn(trx, job, outcome, at);
    current.push(moved);
    // A job erased with its lead (Art. 17) while in flight must not leave an attempt row behind.
    if (!moved && !(await trx.selectFrom('jobs').select('id').where('id', '=', job.id).executeTakeFirst())) continue;
    const error = outcome.ok ? null : outcome.error;
    attempts.push({
      id: uuidv7(now.getTime()),
      job_id: job.id,
      lead_id: job.lead_id,
      at,
      ok: outcome.ok ? 1 : 0,
      error,
    });
  }
  if (attempts.length) await trx.insertInto('job_attempts').values(attempts).execute();
  return current;
}

/** The job's next state, fenced by its attempts: false when another claim holds it now, or it is gone. */
async function moveOn(trx: Kysely<Database>, job: JobRow, outcome: JobOutcome, at: string): Promise<boolean> {
  const state = outcome.ok ? 'sent' : 'dead' in outcome ? 'dead' : 'pending';
  const result = await trx
    .updateTable('jobs')
    .set({
      state,
      lease_until: null,
      updated_at: at,
      ...(outcome.ok ? { sent_at: at, last_error: null } : { last_error: outcome.error }),
      ...(!outcome.ok && 'retryAt' in outcome ? { next_attempt_at: outcome.retryAt.toISOString() } : {}),
    })
    .where('id', '=', job.id)
    .where('state', '=', 'sending')
    .where('attempts', '=', job.attempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
