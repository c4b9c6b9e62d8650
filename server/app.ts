import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { openApiDocument } from './admin/openapi.ts';
import { adminRoutes } from './admin/routes.ts';
import { consentRoutes } from './consent/optin-routes.ts';
import type { AppDeps } from './deps.ts';
import { ERROR_CODES, errorHandler } from './errors.ts';
import { adminAuthLimiter } from './limits/admin-auth.ts';
import { apiSecureHeaders, jsonCharset } from './middleware/api-headers.ts';
import { originGuard, varyOrigin } from './middleware/origin.ts';
import { createMetrics } from './observability/metrics.ts';
import { metricsRoutes } from './observability/metrics-route.ts';
import { requestLog } from './observability/request-log.ts';
import { demoRoutes } from './routes/demo.ts';
import { healthRoutes } from './routes/health.ts';
import { leadRoutes } from './routes/leads.ts';
import { widgetRoutes } from './routes/widget.ts';

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
  // One failed-token budget per client for every route that takes a token.
  const tokenFailures = adminAuthLimiter(deps);
  app.route('/api/admin', adminRoutes(deps, tokenFailures));
  app.get('/api/openapi.json', (c) => c.json(openApiDocument(deps.config.selfOrigin)));
  app.route('/consent', consentRoutes(deps));
  app.route('/healthz', healthRoutes(deps));
  app.route('/metrics', metricsRoutes(deps.config, deps.metrics, tokenFailures));
  app.route('/widget.js', widgetRoutes(deps.widgetFile));
  app.route('/', demoRoutes());

  app.notFound((c) => c.json({ error: ERROR_CODES[404], message: 'No such route.' }, 404));
  deps.db.health.logger = deps.logger;
  app.onError(errorHandler(deps.logger, deps.db.health));
  return app;
}

export type App = ReturnType<typeof createApp>;
