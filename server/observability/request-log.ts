import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.ts';

// Probes hit these every few seconds; at info level they would drown the lines that matter.
const QUIET = new Set(['/healthz', '/metrics']);

/**
 * One JSON line per request (method, path without query, status, duration, request id) and the request metrics.
 * The query string is left out: /api/admin/subjects?email=... would put an address into the log.
 */
export function requestLog(logger: Logger, metrics?: Metrics): MiddlewareHandler[] {
  const log: MiddlewareHandler = async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const status = c.res.status;
    // The route pattern, not the path, keeps metric labels few (/api/admin/leads/:id, not one per lead).
    const pattern = routePath(c);
    const route = status === 404 && pattern.endsWith('*') ? 'unmatched' : pattern;
    metrics?.request(c.req.method, route, status, seconds);
    if (status === 429) metrics?.rateLimited(route);
    if (
      status === 422 &&
      c.req.path === '/api/leads' &&
      c.error instanceof HTTPException &&
      Array.isArray(c.error.cause)
    )
      metrics?.validationFailed();
    const line = {
      reqId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round(seconds * 10_000) / 10,
    };
    if (status >= 500) logger.warn(line, 'request');
    else if (QUIET.has(c.req.path)) logger.debug(line, 'request');
    else logger.info(line, 'request');
  };
  return [requestId(), log];
}
