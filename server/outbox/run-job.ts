import type { Logger } from 'pino';
import { finishJob, type JobOutcome } from '../store/finish-jobs.ts';
import type { JobRow } from '../store/jobs.ts';
import type { BackoffOptions } from './backoff.ts';
import type { JobHandler } from './handlers.ts';
import { persistently } from './heartbeat.ts';
import type { OutboxDeps } from './outbox-types.ts';
import { decideOutcome, exhausted, outcomeName } from './outcome.ts';

async function attempt(deps: OutboxDeps, job: JobRow, handler: JobHandler, max: number, backoff: BackoffOptions) {
  const { db, config, clock, logger, transport } = deps;
  let failure: ReturnType<JobHandler['classify']> | undefined;
  try {
    await handler.run({ job, db, config, clock, logger, transport });
  } catch (err) {
    failure = handler.classify(err);
  }
  return decideOutcome(failure, job.attempts, max, clock(), backoff);
}

function logOutcome(logger: Logger, job: JobRow, outcome: JobOutcome, current: boolean) {
  const base = { jobId: job.id, leadId: job.lead_id, kind: job.kind, attempt: job.attempts };
  if (!current)
    logger.warn(base, 'outbox: the job changed under us (lease ran out, or it was erased); the newer state stands');
  if (outcome.ok) logger.info(base, 'outbox: job done');
  else if ('dead' in outcome)
    logger.error({ ...base, error: outcome.error }, 'outbox: job dead; an admin can resend it');
  else logger.warn({ ...base, error: outcome.error, retryAt: outcome.retryAt }, 'outbox: job failed; will retry');
}

/** Runs one claimed job, records its outcome and tells the hook; `sent` frees the sending slot once the run is over. */
export async function runJob(
  deps: OutboxDeps,
  backoff: BackoffOptions,
  job: JobRow,
  handler: JobHandler,
  sent: () => void,
  giveUp: () => boolean = () => false,
): Promise<void> {
  const max = handler.maxAttempts ?? deps.config.MAIL_MAX_ATTEMPTS;
  const outcome = exhausted(job, max) ?? (await attempt(deps, job, handler, max, backoff));
  // The next claim can now share its commit with this finish (group commit on SQLite).
  sent();
  // Held (and its lease renewed) until the outcome is written, however long the database is down meanwhile.
  const current = await persistently(() => finishJob(deps.db, job, outcome, deps.clock()), giveUp);
  logOutcome(deps.logger, job, outcome, current);
  try {
    await deps.onOutcome?.({ job, outcome: outcomeName(outcome), current });
  } catch (err) {
    deps.logger.error({ err, jobId: job.id }, 'outbox: outcome hook failed');
  }
}
