import { Hono } from 'hono';
import { sql } from 'kysely';
import { LEAD_STATUSES } from '../../shared/api-types.ts';
import type { AppDeps } from '../deps.ts';
import { MAIL_KIND_PREFIX } from '../store/job-kinds.ts';
import { lastLocalDays } from './stats-days.ts';

export const STATS_DAYS = 30;

export function statsRoutes(deps: AppDeps) {
  const app = new Hono();
  const db = deps.db.kysely;

  app.get('/stats', async (c) => {
    // Days in STATS_TIME_ZONE: a German team's "today" starts at midnight Berlin time, 23 or 25 hours long at a DST change.
    const days = lastLocalDays(deps.clock().getTime(), STATS_DAYS, deps.config.STATS_TIME_ZONE);
    // One row of per-day sums over ISO strings, which compare as text in both databases.
    const sums = days.map((d, i) =>
      sql<number>`sum(case when created_at >= ${d.from} and created_at < ${d.to} then 1 else 0 end)`.as(`d${i}`),
    );
    const [statusRows, dayRows, jobRows] = await Promise.all([
      db
        .selectFrom('leads')
        .select(['status', (eb) => eb.fn.countAll().as('n')])
        .groupBy('status')
        .execute(),
      db
        .selectFrom('leads')
        .select(sums)
        .where('created_at', '>=', days[0].from)
        .where('created_at', '<', days[STATS_DAYS - 1].to)
        .executeTakeFirst(),
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
    const perDay = (dayRows ?? {}) as Record<string, unknown>;
    const jobs = new Map(jobRows.map((r) => [r.state, Number(r.n)]));
    return c.json({
      byStatus,
      byDay: days.map((d, i) => ({ day: d.day, count: Number(perDay[`d${i}`] ?? 0) })),
      mail: { pending: (jobs.get('pending') ?? 0) + (jobs.get('sending') ?? 0), dead: jobs.get('dead') ?? 0 },
    });
  });

  return app;
}
