import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';
import { fail } from '../errors.ts';
import { eraseLeads } from '../store/erase.ts';

export function eraseRoutes(deps: AppDeps) {
  const app = new Hono();
  app.delete('/leads/:id', async (c) => {
    const id = c.req.param('id');
    const exists = await deps.db.kysely.selectFrom('leads').select('id').where('id', '=', id).executeTakeFirst();
    if (!exists) throw fail(404, 'No lead with this id.');
    const rows = await eraseLeads(deps.db, [id]);
    deps.logger.info({ leads: 1, rows }, 'lead erased');
    return c.json({ erased: { leads: 1, rows } });
  });
  return app;
}
