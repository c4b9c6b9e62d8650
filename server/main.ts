import { serve } from '@hono/node-server';
import { startRetention } from './admin/retention.ts';
import { ensureAdminTokenFile } from './admin/token-file.ts';
import { createApp } from './app.ts';
import { systemClock } from './clock.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { checkpointElsewhere } from './db/checkpoints.ts';
import { connect, type Db, sqlitePath } from './db/connect.ts';
import { guardAgainstFreshDatabase, MissingDatabaseError, markDatabaseCreated } from './db/fresh-guard.ts';
import { migrate } from './db/migrate.ts';
import { ERROR_CODES } from './errors.ts';
import { keepHelpersBelow } from './helper-threads.ts';
import { createLogger } from './logger.ts';
import { mailTimeouts } from './mail/timeouts.ts';
import { describeMailTransport } from './mail/transport.ts';
import { createMetrics } from './observability/metrics.ts';
import type { OutcomeName } from './outbox/outbox-types.ts';
import { watchRequestLoad } from './outbox/request-load.ts';
import { WIDGET_FILE } from './paths.ts';
import { startBanner } from './start-banner.ts';
import { startOutboxThread } from './start-outbox-thread.ts';

type Server = ReturnType<typeof serve>;

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
}

// A deleted SQLite file must not be replaced by an empty one without a word: the start stops and says how to restore.
function connectOrExit(config: Config): Db {
  const file = /^postgres(ql)?:\/\//.test(config.databaseUrl) ? undefined : sqlitePath(config.databaseUrl);
  try {
    if (file) guardAgainstFreshDatabase(file, config.DATA_DIR);
  } catch (err) {
    if (err instanceof MissingDatabaseError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const db = connect(config.databaseUrl, {
    poolSize: config.DB_POOL_SIZE,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
  });
  if (file) markDatabaseCreated(file);
  return db;
}

// The embedded default (SQLite, no ADMIN_TOKEN) gets a generated token, so the admin API has no guessable default.
function withAdminToken(config: Config, db: Db) {
  const tokenFile = !config.ADMIN_TOKEN && db.dialect === 'sqlite' ? ensureAdminTokenFile(config.DATA_DIR) : undefined;
  return { config: tokenFile ? { ...config, ADMIN_TOKEN: tokenFile.token } : config, tokenFile };
}

// Until migrations are done only /healthz is served; anything else would meet a missing or half-migrated schema.
function untilReady<F extends (req: Request, ...rest: never[]) => Response | Promise<Response>>(
  fetch: F,
  isReady: () => boolean,
): F {
  const starting = () =>
    Response.json(
      {
        error: ERROR_CODES[503],
        code: ERROR_CODES.DB_MIGRATING,
        message: 'The server is starting; try again in a moment.',
      },
      { status: 503, headers: { 'Retry-After': '1' } },
    );
  return ((req: Request, ...rest: never[]) =>
    isReady() || new URL(req.url).pathname === '/healthz' ? fetch(req, ...rest) : starting()) as F;
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  });
}

async function main() {
  const base = configOrExit();
  const logger = createLogger(base.LOG_LEVEL);
  const db = connectOrExit(base);
  const { config, tokenFile } = withAdminToken(base, db);
  let ready = false;
  const metrics = createMetrics(db, { processMetrics: true });
  const onOutcome = (kind: string, outcome: OutcomeName) => metrics.jobOutcome(kind, outcome);
  const outbox = startOutboxThread({ logger, env: process.env, onOutcome });
  checkpointElsewhere(db);
  const wakeOutbox = () => outbox.wake();
  const app = createApp({
    config,
    db,
    clock: systemClock,
    logger,
    widgetFile: WIDGET_FILE,
    wakeOutbox,
    isReady: () => ready,
    metrics,
  });
  const server = serve({ fetch: untilReady(app.fetch, () => ready), port: config.PORT, hostname: config.HOST });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const helpers = keepHelpersBelow();
  await migrate(db);
  ready = true;
  outbox.start();
  // A burst of requests gets the CPU; the mail catches up when it is over.
  const load = watchRequestLoad((yielding, utilization) => {
    outbox.setYielding(yielding);
    const msg = yielding ? 'outbox yields to a burst of requests' : 'outbox sends again';
    logger.info({ utilization: Number(utilization.toFixed(2)) }, msg);
  });
  const retention = startRetention({ db, clock: systemClock, logger, rules: config.RETENTION_DAYS });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const mail = describeMailTransport(config);
  logger.info({ port, database: db.describe, mail }, 'started');
  console.log(startBanner({ port, config, db, mail, tokenFile }));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    // Outlast the longest possible send, so shutdown never cuts a mail off mid-delivery (and mails it twice).
    setTimeout(() => process.exit(1), mailTimeouts(config).sendDeadlineMs + 5_000).unref();
    // Stop taking requests and let those in flight finish, then let the worker finish the mail it is sending.
    await closeServer(server);
    load.stop();
    helpers.stop();
    retention.stop();
    await outbox.stop();
    await db.kysely.destroy();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
