import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import type { Config } from '../config.ts';
import { fail } from '../errors.ts';
import type { Metrics } from './metrics.ts';

/**
 * GET /metrics in Prometheus text format, behind METRICS_TOKEN or ADMIN_TOKEN (bearer, compared in constant time by
 * hono's bearer-auth); 404 when neither is set, so an open server does not advertise its counters.
 */
export function metricsRoutes(config: Pick<Config, 'METRICS_TOKEN' | 'ADMIN_TOKEN'>, metrics: Metrics) {
  const app = new Hono();
  const tokens = [config.METRICS_TOKEN, config.ADMIN_TOKEN].filter((t): t is string => Boolean(t));
  if (!tokens.length) {
    app.all('/', () => {
      throw fail(404, 'Metrics are off; set METRICS_TOKEN (32+ characters) or ADMIN_TOKEN to enable /metrics.');
    });
    return app;
  }
  app.get('/', bearerAuth({ token: tokens, realm: 'metrics' }), async (c) => {
    c.header('Cache-Control', 'no-store');
    c.header('Content-Type', metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });
  return app;
}
