import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorHandler } from '../errors.ts';
import { silentLogger } from '../logger.ts';
import { type Harness, makeHarness } from '../testing/app-harness.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { adminAuthLimiter } from './admin-auth.ts';

const TOKEN = 'a'.repeat(40);

describeEachDb('adminAuthLimiter', (dialect) => {
  let h: Harness;
  let app: Hono;
  beforeAll(async () => {
    h = await makeHarness(dialect, { ADMIN_AUTH_FAILURES_PER_HOUR: '3' });
    // The admin routes' shape: limiter, then bearer auth, then the handler, with the app's error handler.
    app = new Hono();
    app.use('/admin/*', adminAuthLimiter(h.deps), bearerAuth({ token: TOKEN }));
    app.get('/admin/leads', (c) => c.json({ leads: [] }));
    app.onError(errorHandler(silentLogger));
  });
  afterAll(() => h.close());

  const get = (token: string, remoteAddress: string) =>
    app.request(
      '/admin/leads',
      { headers: { Authorization: `Bearer ${token}` } },
      { incoming: { socket: { remoteAddress } } },
    );

  it('lets a right token through without counting it', async () => {
    for (let i = 0; i < 5; i++) expect((await get(TOKEN, '203.0.113.30')).status).toBe(200);
  });

  it('answers 429 with Retry-After after three failed tokens, even to the right token, and only for that client', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(`wrong-${i}`, '203.0.113.31')).status);
    expect(statuses).toEqual([401, 401, 401]);
    const blocked = await get(TOKEN, '203.0.113.31');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('Retry-After'))).toBeGreaterThan(60);
    expect((await get(TOKEN, '198.51.100.31')).status).toBe(200);
  });
});
