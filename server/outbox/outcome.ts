import type { JobOutcome } from '../store/finish-jobs.ts';
import type { JobRow } from '../store/jobs.ts';
import { type BackoffOptions, retryDelay } from './backoff.ts';
import { type Failure, tooManyTries } from './failure.ts';
import type { OutcomeName } from './outbox-types.ts';

/** Before a run: a job claimed past its last try (its workers died mid-send again and again) is dead at once. */
export function exhausted(job: Pick<JobRow, 'attempts' | 'last_error'>, maxAttempts: number): JobOutcome | undefined {
  if (job.attempts <= maxAttempts) return undefined;
  const last = job.last_error ?? 'lease expired while sending';
  return { ok: false, dead: true, error: tooManyTries(job.attempts - 1, last) };
}

/** After a run: done without a failure; dead on a permanent one or the last try; else retried after a backoff. */
export function decideOutcome(
  failure: Failure | undefined,
  attempt: number,
  maxAttempts: number,
  now: Date,
  backoff: BackoffOptions,
): JobOutcome {
  if (!failure) return { ok: true };
  if (failure.permanent) return { ok: false, dead: true, error: failure.error };
  if (attempt >= maxAttempts) return { ok: false, dead: true, error: tooManyTries(attempt, failure.error) };
  return { ok: false, error: failure.error, retryAt: new Date(now.getTime() + retryDelay(attempt, backoff)) };
}

export const outcomeName = (outcome: JobOutcome): OutcomeName =>
  outcome.ok ? 'sent' : 'dead' in outcome ? 'dead' : 'retried';
