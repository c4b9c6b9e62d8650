import { Hono } from 'hono';
import { sql } from 'kysely';
import { LEAD_STATUSES } from '../../shared/api-types.ts';
import type { AppDeps } from '../deps.ts';
import { MAIL_KIND_PREFIX } from '../store/job-kinds.ts';

const DAY = 86_400_000;
export const STATS_DAYS = 30;

export function statsRoutes(deps: AppDeps) {
  const app = new Hono();
  const db = deps.db.kysely;

  app.get('/stats', async (c) => {
    const today = Date.parse(`${deps.clock().toISOString().slice(0, 10)}T00:00:00.000Z`);
    const days = Array.from({ length: STATS_DAYS }, (_, i) =>
      new Date(today - (STATS_DAYS - 1 - i) * DAY).toISOString().slice(0, 10),
    );
    const dayOf = sql<string>`substr(created_at, 1, 10)`;
    const [statusRows, dayRows, jobRows] = await Promise.all([
      db
        .selectFrom('leads')
        .select(['status', (eb) => eb.fn.countAll().as('n')])
        .groupBy('status')
        .execute(),
      db
        .selectFrom('leads')
        .select([dayOf.as('day'), (eb) => eb.fn.countAll().as('n')])
        .where('created_at', '>=', `${days[0]}T00:00:00.000Z`)
        .groupBy(dayOf)
        .execute(),
      db
        .selectFrom('jobs')
        .select(['state', (eb) => eb.fn.countAll().as('n')])
        .where('kind', 'like', `${MAIL_KIND_PREFIX}%`)
        .where('state', 'in', ['pending', 'sending', 'dead'])
        .groupBy('state')
        .execute(),
    ]);
    const byStatus = Object.fromEntries(LEAD_STATUSES.map((s) => [s, 0])) as Record<string, number>;
    for (const r of statusRows) byStatus[r.status] = Number(r.n);
    const perDay = new Map(dayRows.map((r) => [r.day, Number(r.n)]));
    const jobs = new Map(jobRows.map((r) => [r.state, Number(r.n)]));
    return c.json({
      byStatus,
      byDay: days.map((day) => ({ day, count: perDay.get(day) ?? 0 })),
      mail: { pending: (jobs.get('pending') ?? 0) + (jobs.get('sending') ?? 0), dead: jobs.get('dead') ?? 0 },
    });
  });

  return app;
}
