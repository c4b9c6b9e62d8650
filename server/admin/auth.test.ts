import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { admin, adminHarness, TOKEN } from '../testing/admin-harness.ts';
import { type Harness, makeHarness } from '../testing/app-harness.ts';

describe('admin auth', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await adminHarness('sqlite');
  });
  afterAll(() => h.close());

  it('answers the right bearer token with 200 and Cache-Control: no-store', async () => {
    const res = await admin(h, '/leads');
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
  });

  it('answers a missing token with 401, a Bearer challenge and no-store', async () => {
    const res = await h.app.request('/api/admin/leads');
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer realm="admin"/);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    expect(await res.json()).toMatchObject({
      error: 'unauthorized',
      message: expect.stringContaining('Authorization: Bearer'),
    });
  });

  it.each([
    ['a wrong token', `Bearer ${TOKEN.slice(0, -1)}x`, 'error="invalid_token"'],
    ['a longer token', `Bearer ${TOKEN}x`, 'error="invalid_token"'],
    ['a malformed bearer header', `Bearer ${TOKEN} extra`, 'error="invalid_token"'],
    ['a bearer token with a character no token has', 'Bearer abc"def', 'error="invalid_token"'],
    ['the scheme alone', 'Bearer', 'error="invalid_token"'],
    ['the token under another scheme', `Basic ${TOKEN}`, undefined],
    ['a bare token without scheme', TOKEN, undefined],
  ])('answers %s with 401 and a Bearer challenge, as the README says', async (_, header, error) => {
    const res = await admin(h, '/leads', { headers: { Authorization: header } });
    expect(res.status).toBe(401);
    const challenge = res.headers.get('WWW-Authenticate');
    expect(challenge).toMatch(/^Bearer realm="admin"/);
    if (error) expect(challenge).toContain(error);
    else expect(challenge).toBe('Bearer realm="admin"');
    expect(await res.json()).toMatchObject({ error: 'unauthorized', message: expect.stringContaining('Bearer') });
  });

  it('takes the scheme name in any case', async () => {
    expect((await admin(h, '/stats', { headers: { Authorization: `bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('answers a wrong token with 401 invalid_token', async () => {
    const res = await admin(h, '/stats', { headers: { Authorization: 'Bearer not-the-token-but-long-enough-000000' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toContain('invalid_token');
  });

  it('guards routes that do not exist too, so they reveal nothing', async () => {
    expect((await h.app.request('/api/admin/nothing-here')).status).toBe(401);
  });

  it.each(['token', 'access_token', 'Authorization', 'api_key'])(
    'refuses a credential parameter ?%s= with 400, whatever its value',
    async (param) => {
      for (const value of [TOKEN, 'something-else-entirely-0123456789']) {
        const res = await admin(h, `/leads?${param}=${value}`);
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({
          error: 'token_in_url',
          message: expect.stringContaining('never in the URL'),
        });
      }
    },
  );

  it('refuses ?access_token= even without a header', async () => {
    const res = await h.app.request(`/api/admin/leads?access_token=${TOKEN}`);
    expect(res.status).toBe(400);
  });

  it('answers a query value equal to the token exactly like any other value, so the URL is no oracle', async () => {
    const other = 'x'.repeat(TOKEN.length);
    for (const init of [{ headers: { Authorization: 'Bearer wrong-token-but-long-enough-0000000' } }, {}]) {
      const [right, wrong] = await Promise.all(
        [TOKEN, other].map((v) => h.app.request(`/api/admin/stats?foo=${v}`, init)),
      );
      expect(right.status).toBe(401);
      expect(wrong.status).toBe(401);
      expect(right.headers.get('WWW-Authenticate')).toBe(wrong.headers.get('WWW-Authenticate'));
      expect(await right.text()).toBe(await wrong.text());
    }
    const withToken = await Promise.all([TOKEN, other].map((v) => admin(h, `/stats?foo=${v}`)));
    expect(withToken.map((r) => r.status)).toEqual([200, 200]);
  });
});

describe('admin API without ADMIN_TOKEN', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness('sqlite');
  });
  afterAll(() => h.close());

  it('answers 404 on every admin route, with or without a token', async () => {
    for (const path of ['/api/admin/leads', '/api/admin/stats', '/api/admin/subjects?email=a@b.de']) {
      const res = await h.app.request(path, { headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('Cache-Control')).toBe('no-store');
    }
  });

  it('still serves the public form endpoint', async () => {
    const res = await h.app.request('/api/leads', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Anna', email: 'anna@example.de', message: 'Hallo' }),
    });
    expect(res.status).toBe(201);
  });
});

describe('ADMIN_TOKEN setting', () => {
  it('refuses a token under 32 characters, naming ADMIN_TOKEN and the fix', () => {
    const start = () => loadConfig({ ADMIN_TOKEN: 'x'.repeat(31) });
    expect(start).toThrow(ConfigError);
    expect(start).toThrow(/ADMIN_TOKEN: must be at least 32 characters; generate one with `openssl rand -hex 32`/);
  });

  it('refuses characters a bearer token cannot carry', () => {
    expect(() => loadConfig({ ADMIN_TOKEN: `${'x'.repeat(32)} y` })).toThrow(/ADMIN_TOKEN: may hold only/);
  });

  it('accepts 32 characters and treats an empty value as unset', () => {
    expect(loadConfig({ ADMIN_TOKEN: 'x'.repeat(32) }).ADMIN_TOKEN).toBe('x'.repeat(32));
    expect(loadConfig({ ADMIN_TOKEN: '' }).ADMIN_TOKEN).toBeUndefined();
  });
});

describe('admin auth limiter', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await adminHarness('sqlite', { ADMIN_AUTH_FAILURES_PER_HOUR: '2' });
  });
  afterAll(() => h.close());

  it('answers 429 with Retry-After once a client has failed the token ADMIN_AUTH_FAILURES_PER_HOUR times', async () => {
    const wrong = { headers: { Authorization: 'Bearer not-the-token-but-long-enough-000000' } };
    expect((await admin(h, '/stats', wrong)).status).toBe(401);
    expect((await admin(h, '/stats', wrong)).status).toBe(401);
    const blocked = await admin(h, '/stats', wrong);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('Retry-After'))).toBeGreaterThan(0);
    // Even the right token waits: otherwise the limiter would tell a guesser when it guessed right.
    expect((await admin(h, '/stats')).status).toBe(429);
  });

  it('counts malformed headers and tokens in the URL as failed sign-ins too', async () => {
    const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });
    const ask = (path: string, headers: Record<string, string>) =>
      h.app.request(`/api/admin${path}`, { headers }, from('203.0.113.77'));
    expect((await ask('/stats', { Authorization: 'Basic abc' })).status).toBe(401);
    expect((await ask(`/stats?token=${TOKEN}`, { Authorization: `Bearer ${TOKEN}` })).status).toBe(400);
    expect((await ask('/stats', { Authorization: `Bearer ${TOKEN}` })).status).toBe(429);
  });
});
