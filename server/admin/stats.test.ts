import { afterAll, beforeAll, expect, it } from 'vitest';
import { admin, adminHarness, body, seedLead } from '../testing/admin-harness.ts';
import type { Harness } from '../testing/app-harness.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { StatsSchema } from './schemas.ts';

const DAY = 86_400_000;
type Stats = {
  byStatus: Record<string, number>;
  byDay: { day: string; count: number }[];
  mail: { pending: number; dead: number };
};

describeEachDb('admin stats', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await adminHarness(dialect);
    h.advance(-40 * DAY);
    await seedLead(h, { status: 'won' }); // 40 days ago: counted by status, outside the 30 days
    h.advance(38 * DAY);
    await seedLead(h, { status: 'spam' });
    await seedLead(h, { status: 'spam' });
    h.advance(2 * DAY);
    const dead = await seedLead(h);
    await seedLead(h, { status: 'contacted' });
    await h.deps.db.kysely.updateTable('jobs').set({ state: 'dead' }).where('lead_id', '=', dead).execute();
  });
  afterAll(() => h.close());

  it('counts leads by status, by UTC day over the last 30 days, and pending and dead mails', async () => {
    const res = await admin(h, '/stats');
    expect(res.status).toBe(200);
    const stats = await body<Stats>(res);
    expect(StatsSchema.safeParse(stats).success).toBe(true);
    expect(stats.byStatus).toEqual({ new: 1, contacted: 1, qualified: 0, won: 1, lost: 0, spam: 2 });
    expect(stats.byDay).toHaveLength(30);
    expect(stats.byDay[0].day).toBe('2026-10-30');
    expect(stats.byDay.at(-1)).toEqual({ day: '2026-11-28', count: 2 });
    expect(stats.byDay.at(-3)).toEqual({ day: '2026-11-26', count: 2 });
    expect(stats.byDay.reduce((n, d) => n + d.count, 0)).toBe(4);
    expect(stats.mail).toEqual({ pending: 4, dead: 1 });
  });

  it('moves its window with the injected clock', async () => {
    h.advance(29 * DAY);
    const stats = await body<Stats>(await admin(h, '/stats'));
    expect(stats.byDay[0]).toEqual({ day: '2026-11-28', count: 2 });
    expect(stats.byDay.reduce((n, d) => n + d.count, 0)).toBe(2);
  });
});
