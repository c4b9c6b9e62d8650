import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import type { MailTransport } from '../mail/mail-transport.ts';
import { mailTimeouts } from '../mail/timeouts.ts';
import {
  claimJobs,
  finishJob,
  type JobOutcome,
  type JobRow,
  nextDueAt,
  releaseJobs,
  sentSince,
} from '../store/jobs.ts';
import { type BackoffOptions, DEFAULT_BACKOFF, retryDelay } from './backoff.ts';
import { tooManyTries } from './failure.ts';
import { handlerMap, type JobHandler } from './handlers.ts';

const HOUR = 60 * 60_000;
// Never re-poll faster than this, even when a due job is held by another instance.
const MIN_WAIT_MS = 25;

export interface OutboxDeps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  transport: MailTransport;
  /** Told after each finished attempt (metrics, alerts); awaited, so a job it inserts is seen by the next claim. */
  onOutcome?: (event: OutcomeEvent) => void | Promise<void>;
}

export interface OutcomeEvent {
  job: JobRow;
  outcome: 'sent' | 'retried' | 'dead';
  /** False when the job changed under us (lease ran out, erased): the newer state stands. */
  current: boolean;
}

export interface OutboxOptions {
  handlers: JobHandler[];
  /** Real-time poll interval; wake() and due retries come sooner. */
  pollMs?: number;
  backoff?: BackoffOptions;
  /** Defaults to the mail lease, which outlasts every SMTP timeout. */
  leaseMs?: number;
  concurrency?: number;
}

export interface Outbox {
  start(): void;
  wake(): void;
  /** Stops claiming, waits for the sends in flight, then resolves. */
  stop(): Promise<void>;
  /** Claims and runs every due job (within concurrency and MAIL_PER_HOUR) until none is left; resolves with how many ran. */
  drainOnce(): Promise<number>;
}

export function createOutbox(deps: OutboxDeps, opts: OutboxOptions): Outbox {
  const { config, db, clock, logger } = deps;
  const handlers = handlerMap(opts.handlers);
  const kinds = Object.keys(handlers);
  const mailKinds = kinds.filter((k) => handlers[k].isMail);
  const otherKinds = kinds.filter((k) => !handlers[k].isMail);
  const concurrency = opts.concurrency ?? config.MAIL_CONCURRENCY;
  const leaseMs = opts.leaseMs ?? mailTimeouts(config).leaseMs;
  const pollMs = opts.pollMs ?? 1000;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;

  const inFlight = new Set<Promise<void>>();
  // Jobs still sending; a job whose send is over only records its outcome and no longer holds a slot.
  let sending = 0;
  const waiters: (() => void)[] = [];
  // Claimed, waiting for a free slot; handed back on stop() so no other instance waits out their lease.
  let ready: JobRow[] = [];
  let inFlightMail = 0;
  let running = false;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let filling: Promise<number> | undefined;
  let fillAgain = false;
  let wakePending = false;
  let capFreesAt: Date | undefined;

  // MAIL_PER_HOUR counts sent attempts in job_attempts, so every instance sees the same hour.
  async function claimable(free: number): Promise<{ kinds: string[]; limit: number }> {
    capFreesAt = undefined;
    if (!config.MAIL_PER_HOUR || !mailKinds.length) return { kinds, limit: free };
    const { count, oldest } = await sentSince(db, mailKinds, new Date(clock().getTime() - HOUR));
    const budget = config.MAIL_PER_HOUR - count - inFlightMail;
    if (budget > 0) return { kinds, limit: Math.min(free, budget) };
    capFreesAt = oldest ? new Date(Date.parse(oldest) + HOUR) : new Date(clock().getTime() + pollMs);
    return { kinds: otherKinds, limit: free };
  }

  async function runJob(job: JobRow, handler: JobHandler, sent: () => void): Promise<void> {
    const max = handler.maxAttempts ?? config.MAIL_MAX_ATTEMPTS;
    const base = { jobId: job.id, leadId: job.lead_id, kind: job.kind, attempt: job.attempts };
    let outcome: JobOutcome;
    if (job.attempts > max) {
      // Only reachable when workers died mid-send again and again: stop before the job takes more down with it.
      outcome = {
        ok: false,
        dead: true,
        error: tooManyTries(job.attempts - 1, job.last_error ?? 'lease expired while sending'),
      };
    } else {
      try {
        await handler.run({ job, db, config, clock, logger, transport: deps.transport });
        outcome = { ok: true };
      } catch (err) {
        const failure = handler.classify(err);
        if (failure.permanent) outcome = { ok: false, dead: true, error: failure.error };
        else if (job.attempts >= max)
          outcome = { ok: false, dead: true, error: tooManyTries(job.attempts, failure.error) };
        else
          outcome = {
            ok: false,
            error: failure.error,
            retryAt: new Date(clock().getTime() + retryDelay(job.attempts, backoff)),
          };
      }
    }
    // The next claim can now share its commit with this finish (group commit on SQLite).
    sent();
    const current = await finishJob(db, job, outcome, clock());
    if (!current)
      logger.warn(base, 'outbox: the job changed under us (lease ran out, or it was erased); the newer state stands');
    if (outcome.ok) logger.info(base, 'outbox: job done');
    else if ('dead' in outcome)
      logger.error({ ...base, error: outcome.error }, 'outbox: job dead; an admin can resend it');
    else logger.warn({ ...base, error: outcome.error, retryAt: outcome.retryAt }, 'outbox: job failed; will retry');
    const name = outcome.ok ? 'sent' : 'dead' in outcome ? 'dead' : 'retried';
    try {
      await deps.onOutcome?.({ job, outcome: name, current });
    } catch (err) {
      logger.error({ err, jobId: job.id }, 'outbox: outcome hook failed');
    }
  }

  function nudge(): void {
    for (const wake of waiters.splice(0)) wake();
    if (running) void tick();
  }

  function launch(job: JobRow): void {
    const handler = handlers[job.kind];
    if (handler.isMail) inFlightMail++;
    sending++;
    let freed = false;
    const free = () => {
      if (freed) return;
      freed = true;
      sending--;
      nudge();
    };
    const run: Promise<void> = runJob(job, handler, free)
      .catch((err: unknown) =>
        logger.error(
          { err, jobId: job.id },
          'outbox: could not record the outcome; the lease will expire and the job runs again',
        ),
      )
      .finally(() => {
        inFlight.delete(run);
        if (handler.isMail) inFlightMail--;
        free();
        nudge();
      });
    inFlight.add(run);
  }

  async function fillOnce(): Promise<number> {
    let launched = 0;
    while (!stopping && sending < concurrency) {
      if (!ready.length) {
        // A whole batch per claim: one statement (and one commit) then serves several free slots.
        const { kinds: allowed, limit } = await claimable(concurrency);
        ready = await claimJobs(db, { kinds: allowed, limit, now: clock(), leaseMs });
        if (!ready.length) break;
      }
      launch(ready.shift()!);
      launched++;
    }
    return launched;
  }

  // One filler at a time, so concurrent wakes never claim past the concurrency limit.
  function fill(): Promise<number> {
    if (filling) {
      fillAgain = true;
      return filling;
    }
    filling = (async () => {
      let total = 0;
      try {
        do {
          fillAgain = false;
          total += await fillOnce();
        } while (fillAgain && !stopping);
      } catch (err) {
        logger.error({ err }, 'outbox: claiming jobs failed; trying again at the next poll');
      } finally {
        filling = undefined;
      }
      return total;
    })();
    return filling;
  }

  async function schedule(): Promise<void> {
    let wait = pollMs;
    if (sending < concurrency) {
      try {
        const due = [await nextDueAt(db, capFreesAt ? otherKinds : kinds), capFreesAt].filter((d): d is Date =>
          Boolean(d),
        );
        const soonest = Math.min(...due.map((d) => d.getTime()));
        if (Number.isFinite(soonest)) wait = Math.min(pollMs, Math.max(MIN_WAIT_MS, soonest - clock().getTime()));
      } catch (err) {
        logger.warn({ err }, 'outbox: could not read the next due time; polling');
      }
    }
    if (!running) return;
    clearTimeout(timer);
    timer = setTimeout(() => void tick(), wait);
    timer.unref();
  }

  async function tick(): Promise<void> {
    if (!running) return;
    await fill();
    await schedule();
  }

  return {
    start() {
      if (running || stopping) return;
      running = true;
      void tick();
    },
    wake() {
      // Under load every stored lead wakes the worker: one tick per turn of the event loop serves them all.
      if (!running || wakePending) return;
      wakePending = true;
      setImmediate(() => {
        wakePending = false;
        void tick();
      });
    },
    async stop() {
      running = false;
      stopping = true;
      clearTimeout(timer);
      await filling;
      await Promise.allSettled([...inFlight]);
      await releaseJobs(db, ready.splice(0)).catch((err: unknown) =>
        logger.warn({ err }, 'outbox: could not hand back claimed jobs; they run after their lease'),
      );
    },
    async drainOnce() {
      let total = 0;
      for (;;) {
        total += await fill();
        if (!inFlight.size) return total;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}
