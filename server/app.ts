import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from 'pino';
import { openApiDocument } from './admin/openapi.ts';
import { adminRoutes } from './admin/routes.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Db } from './db/connect.ts';
import { errorHandler } from './errors.ts';
import { apiSecureHeaders, jsonCharset } from './middleware/api-headers.ts';
import { originGuard, varyOrigin } from './middleware/origin.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { metricsRoutes } from './observability/metrics-route.ts';
import { requestLog } from './observability/request-log.ts';
import { demoRoutes } from './routes/demo.ts';
import { healthRoutes } from './routes/health.ts';
import { leadRoutes } from './routes/leads.ts';
import { widgetRoutes } from './routes/widget.ts';

export interface AppDeps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Path of the built widget.js. */
  widgetFile: string;
  /** Told after a lead and its jobs are committed, so the outbox worker need not wait for its next poll. */
  onLeadStored?: (id: string) => void;
  /** False while migrations run; /healthz then answers 503. */
  isReady?: () => boolean;
  /** Counters and histograms behind GET /metrics; the app makes its own when none is given. */
  metrics?: Metrics;
}

/** Builds the HTTP app from its dependencies; it never listens (see server/main.ts). */
export function createApp(appDeps: AppDeps) {
  const deps = { ...appDeps, metrics: appDeps.metrics ?? createMetrics(appDeps.db) };
  const app = new Hono();
  app.use(...requestLog(deps.logger, deps.metrics));
  app.use(varyOrigin);
  app.use(secureHeaders({ crossOriginResourcePolicy: false, crossOriginOpenerPolicy: false }));
  app.use(jsonCharset);
  app.use('/api/*', apiSecureHeaders);
  app.use('/api/*', ...originGuard(deps.config.allowedOrigins));

  app.route('/api/leads', leadRoutes(deps));
  app.route('/api/admin', adminRoutes(deps));
  app.get('/api/openapi.json', (c) => c.json(openApiDocument(deps.config.selfOrigin)));
  app.route('/healthz', healthRoutes(deps));
  app.route('/metrics', metricsRoutes(deps.config, deps.metrics));
  app.route('/widget.js', widgetRoutes(deps.widgetFile));
  app.route('/', demoRoutes());

  app.notFound((c) => c.json({ error: 'not_found', message: 'No such route.' }, 404));
  app.onError(errorHandler(deps.logger));
  return app;
}

export type App = ReturnType<typeof createApp>;
