import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { startRetention } from './admin/retention.ts';
import { ensureAdminTokenFile } from './admin/token-file.ts';
import { createApp } from './app.ts';
import { systemClock } from './clock.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { connect } from './db/connect.ts';
import { migrate } from './db/migrate.ts';
import { ERROR_CODES } from './errors.ts';
import { createLogger } from './logger.ts';
import { mailTimeouts } from './mail/timeouts.ts';
import { createMailTransport } from './mail/transport.ts';
import { createMetrics } from './observability/metrics.ts';
import { startOutbox } from './start-outbox.ts';

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const db = connect(config.databaseUrl, {
    poolSize: config.DB_POOL_SIZE,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
  });
  // The embedded default (SQLite, no ADMIN_TOKEN) gets a generated token, so the admin API works without a guessable default.
  const tokenFile = !config.ADMIN_TOKEN && db.dialect === 'sqlite' ? ensureAdminTokenFile(config.DATA_DIR) : undefined;
  if (tokenFile) config = { ...config, ADMIN_TOKEN: tokenFile.token };
  let ready = false;
  const transport = createMailTransport(config);
  const metrics = createMetrics(db, { processMetrics: true });
  const outbox = startOutbox({
    config,
    db,
    clock: systemClock,
    logger,
    transport,
    onOutcome: (e) => metrics.jobOutcome(e.job.kind, e.outcome),
  });
  const app = createApp({
    config,
    db,
    clock: systemClock,
    logger,
    widgetFile: fileURLToPath(new URL('../dist/widget.js', import.meta.url)),
    wakeOutbox: () => outbox.wake(),
    isReady: () => ready,
    metrics,
  });

  // Until migrations are done only /healthz is served; anything else would meet a missing or half-migrated schema.
  const starting = () =>
    Response.json(
      {
        error: ERROR_CODES[503],
        code: ERROR_CODES.DB_MIGRATING,
        message: 'The server is starting; try again in a moment.',
      },
      { status: 503, headers: { 'Retry-After': '1' } },
    );
  const fetchWhenReady: typeof app.fetch = (req, ...rest) =>
    ready || new URL(req.url).pathname === '/healthz' ? app.fetch(req, ...rest) : starting();
  const server = serve({ fetch: fetchWhenReady, port: config.PORT, hostname: config.HOST });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  await migrate(db);
  ready = true;
  outbox.start();
  const retention = startRetention({ db, clock: systemClock, logger, rules: config.RETENTION_DAYS });

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const base = `http://localhost:${port}`;
  logger.info({ port, database: db.describe, mail: transport.describe }, 'started');
  const adminLine = tokenFile
    ? `${base}/api/admin/leads with Authorization: Bearer <token>; read the token with: cat ${tokenFile.file}${tokenFile.created ? ' (generated now)' : ''}`
    : config.ADMIN_TOKEN
      ? `${base}/api/admin/leads with Authorization: Bearer $ADMIN_TOKEN`
      : 'off; set ADMIN_TOKEN (32+ characters, e.g. openssl rand -hex 32) to enable /api/admin';
  console.log(
    [
      `Beraten lassen listens on ${base} (demo page at ${base}/, widget at ${base}/widget.js)`,
      `  leads:  ${db.dialect === 'sqlite' ? `SQLite ${db.describe}` : `PostgreSQL ${db.describe}`}`,
      `  mail:   ${transport.describe} -> ${config.salesInbox.join(', ')}`,
      `  admin:  ${adminLine}`,
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    // Outlast the longest possible send, so shutdown never cuts a mail off mid-delivery (and mails it twice).
    const force = setTimeout(() => process.exit(1), mailTimeouts(config).sendDeadlineMs + 5_000);
    force.unref();
    // Stop taking requests and let those in flight finish, then let the worker finish the mail it is sending.
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      if ('closeIdleConnections' in server) server.closeIdleConnections();
    });
    retention.stop();
    await outbox.stop();
    transport.close();
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
