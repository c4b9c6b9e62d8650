import { Hono } from 'hono';
import { sql } from 'kysely';
import type { AppDeps } from '../deps.ts';
import { ERROR_CODES } from '../errors.ts';

export function healthRoutes(deps: AppDeps) {
  const app = new Hono();
  app.get('/', async (c) => {
    c.header('Cache-Control', 'no-store');
    if (deps.isReady && !deps.isReady())
      return c.json({ status: 'starting', database: 'migrating', code: ERROR_CODES.DB_MIGRATING }, 503);
    try {
      await sql`select 1`.execute(deps.db.kysely);
      return c.json({ status: 'ok', database: deps.db.dialect });
    } catch {
      return c.json({ status: 'unavailable', database: deps.db.dialect, code: ERROR_CODES.DB_UNAVAILABLE }, 503);
    }
  });
  return app;
}
