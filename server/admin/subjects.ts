import { Hono } from 'hono';
import type { Db } from '../db/connect.ts';
import type { AppDeps } from '../deps.ts';
import { eraseLeads } from '../store/erase.ts';
import { foldSql } from './filters.ts';
import { leadDetail } from './lead-queries.ts';
import { SubjectQuerySchema } from './schemas.ts';
import { parseQuery } from './validate.ts';

/** Every lead whose address matches, ignoring case (people type Anna@Example.de as often as anna@example.de). */
function leadsOf(db: Db, email: string) {
  return db.kysely
    .selectFrom('leads')
    .selectAll()
    .where((eb) => eb(foldSql(db, eb.ref('email')), '=', email.toLowerCase()))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** DSGVO Art. 15 (access) and Art. 17 (erasure) for one email address. */
export function subjectRoutes(deps: AppDeps) {
  const app = new Hono();

  app.get('/subjects', async (c) => {
    const { email } = parseQuery(SubjectQuerySchema, c.req.queries());
    const rows = await leadsOf(deps.db, email);
    const leads = [];
    for (const row of rows) {
      const keys = await deps.db.kysely
        .selectFrom('idempotency_keys')
        .select(['key', 'created_at'])
        .where('lead_id', '=', row.id)
        .execute();
      leads.push({
        ...(await leadDetail(deps.db.kysely, row)),
        idempotencyKeys: keys.map((k) => ({ key: k.key, createdAt: k.created_at })),
      });
    }
    return c.json({ email, leads });
  });

  app.delete('/subjects', async (c) => {
    const { email } = parseQuery(SubjectQuerySchema, c.req.queries());
    const ids = (await leadsOf(deps.db, email)).map((r) => r.id);
    // Even with nothing left to delete: a repeated erase finishes the scrub an earlier one could not.
    const rows = await eraseLeads(deps.db, ids);
    deps.logger.info({ leads: ids.length, rows }, 'subject erased');
    return c.json({ erased: { leads: ids.length, rows } });
  });

  return app;
}
