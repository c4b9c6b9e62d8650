import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';
import { fail } from '../errors.ts';
import { afterCursor, decodeCursor, encodeCursor, filterWhere } from './filters.ts';
import { leadDetail, mailSummaries, toAdminLead } from './lead-queries.ts';
import { ListQuerySchema } from './schemas.ts';
import { parseQuery } from './validate.ts';

export function leadsReadRoutes(deps: AppDeps) {
  const app = new Hono();
  const db = deps.db.kysely;

  app.get('/leads', async (c) => {
    const { limit, cursor, ...filters } = parseQuery(ListQuerySchema, c.req.queries());
    let query = db.selectFrom('leads').selectAll().where(filterWhere(deps.db, filters));
    if (cursor) query = query.where(afterCursor(decodeCursor(cursor)));
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const mail = await mailSummaries(
      db,
      page.map((r) => r.id),
    );
    const last = page.at(-1);
    return c.json({
      items: page.map((r) => ({ ...toAdminLead(r), mail: mail.get(r.id) ?? null })),
      nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
    });
  });

  app.get('/leads/:id', async (c) => {
    const row = await db.selectFrom('leads').selectAll().where('id', '=', c.req.param('id')).executeTakeFirst();
    if (!row) throw fail(404, 'No lead with this id.');
    return c.json(await leadDetail(db, row));
  });

  return app;
}
