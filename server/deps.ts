import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Db } from './db/connect.ts';
import type { Metrics } from './observability/metrics.ts';

/** What the HTTP app is built from; routes take the part they use. */
export interface AppDeps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Path of the built widget.js. */
  widgetFile: string;
  /**
   * Told after jobs are committed (a new lead, a status change, a resend), so the worker need not wait for its poll.
   */
  wakeOutbox?: (leadId: string) => void;
  /** False while migrations run; /healthz then answers 503. */
  isReady?: () => boolean;
  /** Counters and histograms behind GET /metrics; the app makes its own when none is given. */
  metrics?: Metrics;
}
