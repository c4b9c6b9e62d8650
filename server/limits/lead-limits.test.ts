import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { type Harness, makeHarness } from '../testing/app-harness.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { postLead, validLead } from '../testing/lead-client.ts';

const LIMIT_ENV = { RATE_LIMIT_PER_MINUTE: '5', RATE_LIMIT_PER_DAY: '30' };

/** Posts n leads from one socket address and returns the statuses. */
async function flood(
  h: Pick<Harness, 'app'>,
  n: number,
  remote: string,
  headers: (i: number) => Record<string, string> = () => ({}),
) {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await postLead(h, validLead, headers(i), remote)).status);
  return statuses;
}

describeEachDb('rate limits on POST /api/leads', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(dialect, LIMIT_ENV);
  });
  afterAll(() => h.close());

  it('answers the sixth post in a minute with 429 and Retry-After, while another client is unaffected', async () => {
    expect(await flood(h, 5, '203.0.113.10')).toEqual([201, 201, 201, 201, 201]);
    const sixth = await postLead(h, validLead, {}, '203.0.113.10');
    expect(sixth.status).toBe(429);
    const wait = Number(sixth.headers.get('Retry-After'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await sixth.json()).toMatchObject({ error: 'rate_limited' });
    expect((await postLead(h, validLead, {}, '198.51.100.20')).status).toBe(201);
  });

  it('ignores a spoofed X-Forwarded-For without TRUST_PROXY', async () => {
    const statuses = await flood(h, 6, '203.0.113.11', (i) => ({ 'X-Forwarded-For': `192.0.2.${i + 1}` }));
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
  });

  it('treats all addresses of one IPv6 /64 as one client', async () => {
    const rotating: number[] = [];
    for (let i = 0; i < 6; i++)
      rotating.push((await postLead(h, validLead, {}, `2001:db8:1:2::${(i + 1).toString(16)}`)).status);
    expect(rotating).toEqual([201, 201, 201, 201, 201, 429]);
    expect((await postLead(h, validLead, {}, '2001:db8:1:3::1')).status).toBe(201);
  });

  if (dialect === 'postgres') {
    it('counts posts to two instances on one database together', async () => {
      const twin = createApp({
        ...h.deps,
        config: loadConfig({ ...LIMIT_ENV, DATA_DIR: h.config.DATA_DIR, ALLOWED_ORIGINS: 'https://www.kunde.de' }),
      });
      const a = await flood(h, 3, '203.0.113.12');
      const b = await flood({ app: twin }, 3, '203.0.113.12');
      expect([...a, ...b]).toEqual([201, 201, 201, 201, 201, 429]);
    });
  }
});

describe('rate limits behind a trusted proxy', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness('sqlite', { ...LIMIT_ENV, TRUST_PROXY: 'loopback' });
  });
  afterAll(() => h.close());

  it('tells clients apart by X-Forwarded-For when the socket is the trusted proxy', async () => {
    const statuses = await flood(h, 7, '127.0.0.1', (i) => ({ 'X-Forwarded-For': `192.0.2.${i + 1}` }));
    expect(statuses).toEqual(Array(7).fill(201));
  });

  it('still limits one client behind the proxy, whatever it prepends to X-Forwarded-For', async () => {
    const statuses = await flood(h, 6, '::ffff:127.0.0.1', (i) => ({
      'X-Forwarded-For': `10.9.9.${i}, 198.51.100.77`,
    }));
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
  });

  it('does not believe X-Forwarded-For from a socket that is not the proxy', async () => {
    const statuses = await flood(h, 6, '203.0.113.13', (i) => ({ 'X-Forwarded-For': `192.0.2.${100 + i}` }));
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('daily limit and switches', () => {
  it('answers 429 with a Retry-After of hours once the day is used up', async () => {
    const h = await makeHarness('sqlite', { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_DAY: '2' });
    try {
      expect(await flood(h, 3, '203.0.113.14')).toEqual([201, 201, 429]);
      const res = await postLead(h, validLead, {}, '203.0.113.14');
      expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(3600);
    } finally {
      await h.close();
    }
  });

  it('does not limit at all when both limits are 0', async () => {
    const h = await makeHarness('sqlite', { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_DAY: '0' });
    try {
      expect(await flood(h, 8, '203.0.113.15')).toEqual(Array(8).fill(201));
    } finally {
      await h.close();
    }
  });

  it('refuses a TRUST_PROXY entry that is not an address, naming the variable and the fix', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.internal' })).toThrow(
      /TRUST_PROXY: "proxy.internal" is not a proxy address; list the proxies' IPs/,
    );
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 172.16.0.0/12, loopback, ::1' }).TRUST_PROXY).toBeDefined();
  });
});
