import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';
import { ERROR_CODES } from '../errors.ts';

// A probe stuck behind a lock must not hang the load balancer's check.
const PROBE_TIMEOUT_MS = 2000;

export function healthRoutes(deps: AppDeps) {
  const app = new Hono();
  app.get('/', async (c) => {
    c.header('Cache-Control', 'no-store');
    if (deps.isReady && !deps.isReady())
      return c.json({ status: 'starting', database: 'migrating', code: ERROR_CODES.DB_MIGRATING }, 503);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<{ code: string; reason: string }>((resolve) => {
      timer = setTimeout(
        () =>
          resolve(
            deps.db.health.current ?? {
              code: ERROR_CODES.DB_BUSY,
              reason: `the database did not answer within ${PROBE_TIMEOUT_MS} ms`,
            },
          ),
        PROBE_TIMEOUT_MS,
      );
    });
    const fault = await Promise.race([deps.db.health.probe(deps.db.kysely), timedOut]).finally(() =>
      clearTimeout(timer),
    );
    if (!fault) return c.json({ status: 'ok', database: deps.db.dialect });
    return c.json({ status: 'unavailable', database: deps.db.dialect, code: fault.code, reason: fault.reason }, 503);
  });
  return app;
}
