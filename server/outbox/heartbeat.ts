import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/connect.ts';
import { dbFault } from '../db/faults.ts';
import { type JobRow, renewLeases } from '../store/jobs.ts';

/**
 * A short lease, renewed while this process holds the job: after a crash its jobs are free within one lease
 * (not after the longest possible send), and a live send is never taken over by another process.
 */
export const HEARTBEAT_LEASE_MS = 30_000;

export interface Heartbeat {
  hold(job: JobRow): void;
  drop(job: JobRow): void;
  stop(): void;
}

export function startHeartbeat(db: Db, clock: Clock, logger: Logger, leaseMs: number): Heartbeat {
  const held = new Map<string, JobRow>();
  let beating = false;
  const beat = async () => {
    if (beating || !held.size) return;
    beating = true;
    try {
      await renewLeases(db, [...held.values()], new Date(clock().getTime() + leaseMs));
    } catch (err) {
      // A database fault is already logged once where it is noticed; the next beat tries again.
      if (!dbFault(err)) logger.warn({ err }, 'outbox: could not renew the leases of jobs in flight');
    } finally {
      beating = false;
    }
  };
  const timer = setInterval(() => void beat(), Math.max(50, Math.floor(leaseMs / 3)));
  timer.unref();
  return {
    hold: (job) => held.set(job.id, job),
    drop: (job) => held.delete(job.id),
    stop: () => clearInterval(timer),
  };
}

/** Retries recording an outcome while the database is down, so a mail already sent is not sent again. */
export async function persistently<T>(run: () => Promise<T>, giveUp: () => boolean): Promise<T> {
  for (let wait = 250; ; wait = Math.min(wait * 2, 5000)) {
    try {
      return await run();
    } catch (err) {
      if (!dbFault(err) || giveUp()) throw err;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
