import { mailTimeouts } from '../mail/timeouts.ts';
import { claimJobs, type JobRow, releaseJobs } from '../store/jobs.ts';
import { type BackoffOptions, DEFAULT_BACKOFF } from './backoff.ts';
import { type AllowanceCheck, type JobKinds, kindsOf, rememberFullCap } from './claiming.ts';
import { type HandlerMap, handlerMap } from './handlers.ts';
import { HEARTBEAT_LEASE_MS, type Heartbeat, startHeartbeat } from './heartbeat.ts';
import type { Outbox, OutboxDeps, OutboxOptions } from './outbox-types.ts';
import { runJob } from './run-job.ts';
import { nextWait } from './scheduling.ts';

// A claim takes this many times the concurrency: its statement and commit cost about as much for 20 jobs as for 5.
const CLAIM_BATCH_FACTOR = 4;

// On stop, how long an outcome may keep waiting for the database before its job is left to the lease.
const STOP_RECORD_MS = 5000;

/** The in-process worker: claims due jobs in batches, runs them within the concurrency, and sleeps until the next. */
class OutboxWorker implements Outbox {
  private readonly handlers: HandlerMap;
  private readonly kinds: JobKinds;
  private readonly allowance: AllowanceCheck;
  private readonly concurrency: number;
  private readonly claimBatch: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly backoff: BackoffOptions;
  private readonly inFlight = new Set<Promise<void>>();
  // Jobs still sending; a job whose send is over only records its outcome and no longer holds a slot.
  private sending = 0;
  private inFlightMail = 0;
  private readonly waiters: (() => void)[] = [];
  // Claimed, waiting for a free slot; handed back on stop() so no other instance waits out their lease.
  private ready: JobRow[] = [];
  private running = false;
  private stopping = false;
  private yielding = false;
  private timer: NodeJS.Timeout | undefined;
  private filling: Promise<number> | undefined;
  private fillAgain = false;
  private wakePending = false;
  private capFreesAt: Date | undefined;
  private readonly heartbeat: Heartbeat;
  private stopDeadline = Number.POSITIVE_INFINITY;

  constructor(
    private readonly deps: OutboxDeps,
    opts: OutboxOptions,
  ) {
    this.handlers = handlerMap(opts.handlers);
    this.kinds = kindsOf(this.handlers);
    this.concurrency = opts.concurrency ?? deps.config.MAIL_CONCURRENCY;
    this.claimBatch = this.concurrency * CLAIM_BATCH_FACTOR;
    // A short lease that the heartbeat renews while the job is held: a dead worker's jobs are free within one lease.
    this.leaseMs = opts.leaseMs ?? Math.min(HEARTBEAT_LEASE_MS, mailTimeouts(deps.config).leaseMs);
    this.pollMs = opts.pollMs ?? 1000;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.allowance = rememberFullCap(deps, this.kinds, this.pollMs);
    this.heartbeat = startHeartbeat(deps.db, deps.clock, deps.logger, this.leaseMs);
  }

  start(): void {
    if (this.running || this.stopping) return;
    this.running = true;
    void this.tick();
  }

  wake(): void {
    // Under load every stored lead wakes the worker: one tick per turn of the event loop serves them all.
    if (!this.running || this.wakePending) return;
    this.wakePending = true;
    setImmediate(() => {
      this.wakePending = false;
      void this.tick();
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.stopDeadline = Date.now() + STOP_RECORD_MS;
    clearTimeout(this.timer);
    await this.filling;
    await Promise.allSettled([...this.inFlight]);
    await releaseJobs(this.deps.db, this.ready.splice(0)).catch((err: unknown) =>
      this.deps.logger.warn({ err }, 'outbox: could not hand back claimed jobs; they run after their lease'),
    );
    this.heartbeat.stop();
  }

  setYielding(yielding: boolean): void {
    this.yielding = yielding;
    if (!yielding) this.nudge();
  }

  async drainOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      total += await this.fill();
      if (!this.inFlight.size) return total;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private nudge(): void {
    for (const wake of this.waiters.splice(0)) wake();
    if (this.running) void this.tick();
  }

  private launch(job: JobRow): void {
    const handler = this.handlers[job.kind];
    if (handler.isMail) this.inFlightMail++;
    this.sending++;
    let freed = false;
    const free = () => {
      if (freed) return;
      freed = true;
      this.sending--;
      this.nudge();
    };
    this.heartbeat.hold(job);
    const giveUp = () => this.stopping && Date.now() > this.stopDeadline;
    const run: Promise<void> = runJob(this.deps, this.backoff, job, handler, free, giveUp)
      .catch((err: unknown) =>
        this.deps.logger.error(
          { err, jobId: job.id },
          'outbox: could not record the outcome; the lease will expire and the job runs again',
        ),
      )
      .finally(() => {
        this.heartbeat.drop(job);
        this.inFlight.delete(run);
        if (handler.isMail) this.inFlightMail--;
        free();
        this.nudge();
      });
    this.inFlight.add(run);
  }

  private async fillOnce(): Promise<number> {
    let launched = 0;
    while (!this.stopping && !this.yielding && this.sending < this.concurrency) {
      if (!this.ready.length) {
        // A whole batch per claim: one statement (and one commit) then serves several free slots.
        const allowed = await this.allowance(this.claimBatch, this.inFlightMail);
        this.capFreesAt = allowed.capFreesAt;
        const claim = { kinds: allowed.kinds, limit: allowed.limit, now: this.deps.clock(), leaseMs: this.leaseMs };
        this.ready = await claimJobs(this.deps.db, claim);
        for (const held of this.ready) this.heartbeat.hold(held);
        if (!this.ready.length) break;
      }
      this.launch(this.ready.shift()!);
      launched++;
    }
    return launched;
  }

  // One filler at a time, so concurrent wakes never claim past the concurrency limit.
  private fill(): Promise<number> {
    if (this.filling) {
      this.fillAgain = true;
      return this.filling;
    }
    this.filling = (async () => {
      let total = 0;
      try {
        do {
          this.fillAgain = false;
          total += await this.fillOnce();
        } while (this.fillAgain && !this.stopping);
      } catch (err) {
        // A database fault is logged once by db.health, not once per poll.
        if (!this.deps.db.health.report(err))
          this.deps.logger.error({ err }, 'outbox: claiming jobs failed; trying again at the next poll');
      } finally {
        this.filling = undefined;
      }
      return total;
    })();
    return this.filling;
  }

  private async schedule(): Promise<void> {
    const kinds = this.capFreesAt ? this.kinds.other : this.kinds.all;
    const wait =
      this.sending < this.concurrency ? await nextWait(this.deps, kinds, this.capFreesAt, this.pollMs) : this.pollMs;
    if (!this.running) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), wait);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    // While yielding, a wake costs nothing: setYielding(false) ticks again.
    if (!this.running || this.yielding) return;
    await this.fill();
    await this.schedule();
  }
}

export function createOutbox(deps: OutboxDeps, opts: OutboxOptions): Outbox {
  return new OutboxWorker(deps, opts);
}
