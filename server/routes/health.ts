import { Hono } from 'hono';
import { sql } from 'kysely';
import type { AppDeps } from '../app.ts';

export function healthRoutes(deps: AppDeps) {
  const app = new Hono();
  app.get('/', async (c) => {
    c.header('Cache-Control', 'no-store');
    if (deps.isReady && !deps.isReady()) return c.json({ status: 'starting', database: 'migrating' }, 503);
    try {
      await sql`select 1`.execute(deps.db.kysely);
      return c.json({ status: 'ok', database: deps.db.dialect });
    } catch {
      return c.json({ status: 'unavailable', database: deps.db.dialect }, 503);
    }
  });
  return app;
}
