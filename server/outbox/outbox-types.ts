import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import type { MailTransport } from '../mail/mail-transport.ts';
import type { JobRow } from '../store/jobs.ts';
import type { BackoffOptions } from './backoff.ts';
import type { JobHandler } from './handlers.ts';

export interface OutboxDeps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  transport: MailTransport;
  /** Told after each finished attempt (metrics, alerts); awaited, so a job it inserts is seen by the next claim. */
  onOutcome?: (event: OutcomeEvent) => void | Promise<void>;
}

export type OutcomeName = 'sent' | 'retried' | 'dead';

export interface OutcomeEvent {
  job: JobRow;
  outcome: OutcomeName;
  /** False when the job changed under us (lease ran out, erased): the newer state stands. */
  current: boolean;
}

export interface OutboxOptions {
  handlers: JobHandler[];
  /** Real-time poll interval; wake() and due retries come sooner. */
  pollMs?: number;
  backoff?: BackoffOptions;
  /** Defaults to a short lease that a heartbeat renews while the job is held. */
  leaseMs?: number;
  concurrency?: number;
}

export interface Outbox {
  start(): void;
  wake(): void;
  /** Stops claiming, waits for the sends in flight, then resolves. */
  stop(): Promise<void>;
  /** Claims and runs every due job (within concurrency and MAIL_PER_HOUR) until none is left; resolves how many ran. */
  drainOnce(): Promise<number>;
  /** While true, claims and starts nothing new (a burst of requests has the CPU); jobs under way finish. */
  setYielding(yielding: boolean): void;
}
