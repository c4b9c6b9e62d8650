import { afterEach, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { admin, adminHarness, body, seedLead } from '../testing/admin-harness.ts';
import type { Harness } from '../testing/app-harness.ts';
import { describeEachDb } from '../testing/each-db.ts';

type Stats = { byDay: { day: string; count: number }[] };

/** Stores one lead at exactly this instant (seedLead moves the clock 1 s first). */
async function leadAt(h: Harness, at: string): Promise<void> {
  h.advance(Date.parse(at) - 1000 - h.deps.clock().getTime());
  await seedLead(h);
}

async function days(h: Harness, now: string): Promise<Record<string, number>> {
  h.advance(Date.parse(now) - h.deps.clock().getTime());
  const stats = await body<Stats>(await admin(h, '/stats'));
  expect(stats.byDay).toHaveLength(30);
  return Object.fromEntries(stats.byDay.slice(-4).map((d) => [d.day, d.count]));
}

describeEachDb('admin stats by day in STATS_TIME_ZONE', (dialect) => {
  let h: Harness;
  afterEach(() => h.close());

  it('counts Berlin days by default, across the spring change to summer time (a 23-hour day)', async () => {
    h = await adminHarness(dialect);
    await leadAt(h, '2026-03-28T22:59:59.000Z'); // 23:59:59 CET on the 28th
    await leadAt(h, '2026-03-28T23:00:00.000Z'); // 00:00 CET on the 29th, though still the 28th in UTC
    await leadAt(h, '2026-03-29T21:59:59.000Z'); // 23:59:59 CEST on the 29th
    await leadAt(h, '2026-03-29T22:00:00.000Z'); // 00:00 CEST on the 30th, though still the 29th in UTC
    expect(await days(h, '2026-03-30T08:00:00.000Z')).toEqual({
      '2026-03-27': 0,
      '2026-03-28': 1,
      '2026-03-29': 2,
      '2026-03-30': 1,
    });
  });

  it('counts the autumn change back to winter time (a 25-hour day) as one day', async () => {
    h = await adminHarness(dialect, { STATS_TIME_ZONE: 'Europe/Berlin' });
    await leadAt(h, '2026-10-24T21:59:59.000Z'); // 23:59:59 CEST on the 24th
    await leadAt(h, '2026-10-24T22:00:00.000Z'); // 00:00 CEST on the 25th
    await leadAt(h, '2026-10-25T00:30:00.000Z'); // 02:30 CEST, before the clocks go back
    await leadAt(h, '2026-10-25T01:30:00.000Z'); // 02:30 CET, the same wall time again
    await leadAt(h, '2026-10-25T22:59:59.000Z'); // 23:59:59 CET on the 25th
    await leadAt(h, '2026-10-25T23:00:00.000Z'); // 00:00 CET on the 26th
    expect(await days(h, '2026-10-26T12:00:00.000Z')).toEqual({
      '2026-10-23': 0,
      '2026-10-24': 1,
      '2026-10-25': 4,
      '2026-10-26': 1,
    });
  });

  it('counts UTC days when told to', async () => {
    h = await adminHarness(dialect, { STATS_TIME_ZONE: 'UTC' });
    await leadAt(h, '2026-03-28T23:00:00.000Z');
    await leadAt(h, '2026-03-29T22:00:00.000Z');
    expect(await days(h, '2026-03-30T08:00:00.000Z')).toEqual({
      '2026-03-27': 0,
      '2026-03-28': 1,
      '2026-03-29': 1,
      '2026-03-30': 0,
    });
  });

  it("takes today from the zone's clock: 00:30 in Berlin is already the next day", async () => {
    h = await adminHarness(dialect);
    await leadAt(h, '2026-11-27T23:10:00.000Z');
    const stats = await body<Stats>(await admin(h, '/stats'));
    expect(stats.byDay.at(-1)).toEqual({ day: '2026-11-28', count: 1 });
  });
});

it('a time zone Node does not know stops the start, naming STATS_TIME_ZONE and the fix', () => {
  expect(() => loadConfig({ STATS_TIME_ZONE: 'Europe/Berlln' })).toThrow(ConfigError);
  expect(() => loadConfig({ STATS_TIME_ZONE: 'Europe/Berlln' })).toThrow(
    /STATS_TIME_ZONE: "Europe\/Berlln" is not an IANA time zone; use e\.g\. Europe\/Berlin/,
  );
});
