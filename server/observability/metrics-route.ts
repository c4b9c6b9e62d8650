import { Hono, type MiddlewareHandler } from 'hono';
import { bearerGuard } from '../admin/auth.ts';
import type { Config } from '../config.ts';
import { fail } from '../errors.ts';
import type { Metrics } from './metrics.ts';

/**
 * GET /metrics in Prometheus text format, behind METRICS_TOKEN or ADMIN_TOKEN with the admin API's bearer guard and
 * its failed-token budget (tokenFailures, shared with /api/admin); 404 when neither is set, so an open server does
 * not advertise its counters.
 */
export function metricsRoutes(
  config: Pick<Config, 'METRICS_TOKEN' | 'ADMIN_TOKEN'>,
  metrics: Metrics,
  tokenFailures: MiddlewareHandler,
) {
  const app = new Hono();
  const tokens = [config.METRICS_TOKEN, config.ADMIN_TOKEN].filter((t): t is string => Boolean(t));
  if (!tokens.length) {
    app.all('/', () => {
      throw fail(404, 'Metrics are off; set METRICS_TOKEN (32+ characters) or ADMIN_TOKEN to enable /metrics.');
    });
    return app;
  }
  const setting = config.METRICS_TOKEN ? 'METRICS_TOKEN' : 'ADMIN_TOKEN';
  app.use('*', tokenFailures, ...bearerGuard({ tokens, realm: 'metrics', setting }));
  app.get('/', async (c) => {
    c.header('Cache-Control', 'no-store');
    c.header('Content-Type', metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });
  return app;
}
