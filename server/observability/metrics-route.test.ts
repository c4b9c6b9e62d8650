import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '../testing/app-harness.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { startServerProcess } from '../testing/server-process.ts';

const ADMIN = 'a'.repeat(40);
const METRICS = 'm'.repeat(40);
const WRONG = 'w'.repeat(40);

describeEachDb('GET /metrics and the failed-token limit', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(dialect, { ADMIN_TOKEN: ADMIN, METRICS_TOKEN: METRICS, ADMIN_AUTH_FAILURES_PER_HOUR: '3' });
  });
  afterAll(() => h.close());

  const from = (remoteAddress: string) => (path: string, token?: string) =>
    h.app.request(path, token ? { headers: { Authorization: `Bearer ${token}` } } : {}, {
      incoming: { socket: { remoteAddress } },
    });

  it('answers 429 to a client already at the limit for wrong admin tokens, wrong or right token alike', async () => {
    const ask = from('203.0.113.50');
    const admin = [];
    for (let i = 0; i < 4; i++) admin.push((await ask('/api/admin/stats', WRONG)).status);
    expect(admin).toEqual([401, 401, 401, 429]);
    const metrics = [];
    for (let i = 0; i < 20; i++) metrics.push((await ask('/metrics', WRONG)).status);
    expect(new Set(metrics)).toEqual(new Set([429]));
    for (const token of [ADMIN, METRICS]) {
      const res = await ask('/metrics', token);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
    }
    expect((await from('198.51.100.50')('/metrics', METRICS)).status).toBe(200);
  });

  it('counts wrong tokens on /metrics against the admin API too', async () => {
    const ask = from('203.0.113.51');
    expect((await ask('/metrics', WRONG)).status).toBe(401);
    expect((await ask('/metrics')).status).toBe(401);
    expect((await ask('/api/admin/stats', WRONG)).status).toBe(401);
    expect((await ask('/api/admin/stats', ADMIN)).status).toBe(429);
    expect((await ask('/metrics', METRICS)).status).toBe(429);
  });

  it('answers a 401 with a Bearer challenge of its own realm, for a malformed header too', async () => {
    const res = await h.app.request('/metrics', { headers: { Authorization: 'Basic abc' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="metrics"');
    const wrong = await from('203.0.113.52')('/metrics', WRONG);
    expect(wrong.headers.get('WWW-Authenticate')).toBe('Bearer realm="metrics", error="invalid_token"');
  });

  it('answers a query value equal to a token exactly like another value, and both cost a point', async () => {
    const ask = from('203.0.113.53');
    const answers = [];
    for (const value of [ADMIN, METRICS, WRONG]) {
      const res = await ask(`/metrics?x=${value}`);
      answers.push({ status: res.status, challenge: res.headers.get('WWW-Authenticate'), body: await res.text() });
    }
    expect(answers[0].status).toBe(401);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect((await ask('/metrics', METRICS)).status).toBe(429);
  });

  it('refuses a token parameter in the URL with 400 whatever its value, counted as a failed sign-in', async () => {
    const ask = from('203.0.113.54');
    for (const value of [METRICS, WRONG]) {
      const res = await ask(`/metrics?access_token=${value}`, METRICS);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'token_in_url' });
    }
    expect((await ask('/metrics', METRICS)).status).toBe(200);
    expect((await ask('/metrics?token=x', METRICS)).status).toBe(400);
    expect((await ask('/metrics', METRICS)).status).toBe(429);
  });
});

describe('the failed-token limit on the real server process', () => {
  it('turns /metrics to 429 for a client that spent its budget on the admin API, and the URL is no oracle', {
    timeout: 60_000,
  }, async () => {
    const proc = await startServerProcess({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'bl-metrics-auth-')),
      ADMIN_TOKEN: ADMIN,
      ADMIN_AUTH_FAILURES_PER_HOUR: '3',
    });
    try {
      const get = async (path: string, token?: string) => {
        const res = await fetch(`${proc.url}${path}`, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
        return { status: res.status, challenge: res.headers.get('WWW-Authenticate'), body: await res.text() };
      };
      expect((await get('/metrics', ADMIN)).status).toBe(200);
      const byToken = await get(`/metrics?x=${ADMIN}`);
      const byOther = await get(`/metrics?x=${WRONG}`);
      expect(byToken.status).toBe(401);
      expect(byToken).toEqual(byOther);
      expect((await get('/api/admin/stats', WRONG)).status).toBe(401);
      expect((await get('/api/admin/stats', WRONG)).status).toBe(429);
      expect((await get('/metrics', WRONG)).status).toBe(429);
      expect((await get('/metrics', ADMIN)).status).toBe(429);
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
  });
});
