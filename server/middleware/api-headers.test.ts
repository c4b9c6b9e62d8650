import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '../testing/app-harness.ts';
import { postLead, validLead } from '../testing/lead-client.ts';

function expectSecure(res: Response, label: string) {
  expect(res.headers.get('X-Content-Type-Options'), label).toBe('nosniff');
  expect(res.headers.get('Strict-Transport-Security'), label).toMatch(/max-age=\d+/);
  if (res.headers.get('Content-Type')?.startsWith('application/json')) {
    expect(res.headers.get('Content-Type'), label).toBe('application/json; charset=utf-8');
  }
}

describe('security headers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness('sqlite', { RATE_LIMIT_PER_MINUTE: '1' });
  });
  afterAll(() => h.close());

  it('puts nosniff, HSTS, a JSON charset and frame-ancestors none on every API answer', async () => {
    const answers: [string, Response][] = [
      ['201', await postLead(h, validLead, {}, '203.0.113.40')],
      ['429', await postLead(h, validLead, {}, '203.0.113.40')],
      ['422', await postLead(h, { name: '' }, {}, '203.0.113.41')],
      [
        '415',
        await h.app.request(
          '/api/leads',
          { method: 'POST', body: 'x' },
          { incoming: { socket: { remoteAddress: '203.0.113.42' } } },
        ),
      ],
      ['challenge', await h.app.request('/api/leads/challenge')],
      ['404', await h.app.request('/api/nothing-here')],
    ];
    expect(answers.map(([, r]) => r.status)).toEqual([201, 429, 422, 415, 200, 404]);
    for (const [label, res] of answers) {
      expectSecure(res, label);
      expect(res.headers.get('Content-Type'), label).toBe('application/json; charset=utf-8');
      expect(res.headers.get('Content-Security-Policy'), label).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  it('puts nosniff and HSTS on answers outside the API too, without a cross-origin resource policy that would block widget.js', async () => {
    for (const path of ['/healthz', '/widget.js', '/nowhere']) {
      const res = await h.app.request(path);
      expectSecure(res, path);
      expect(res.headers.get('Cross-Origin-Resource-Policy'), path).not.toBe('same-origin');
    }
  });
});

describe('unexpected failures', () => {
  it('answer a bare 500 without message or stack trace', async () => {
    const h = await makeHarness('sqlite');
    await h.testDb.db.kysely.destroy();
    const res = await postLead(h, validLead);
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('{"error":"internal"}');
    expectSecure(res, '500');
    await h.close().catch(() => {});
  });
});
