import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from './testing/app-harness.ts';
import { MAX_ISSUES } from './validation-cap.ts';

describe('422 answers with many issues', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness('sqlite');
  });
  afterAll(() => h.close());

  const post = (body: unknown) =>
    h.app.request('/api/leads', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const lead = { name: 'Anna', email: 'anna@example.de', message: 'Hallo' };

  it('lists the first issues of 3,000 unknown keys, says how many were left out, and stays small', async () => {
    const junk = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, 1]));
    const body = JSON.stringify({ ...lead, ...junk, locale: 'en' });
    expect(Buffer.byteLength(body)).toBeLessThan(32 * 1024);
    const res = await post(JSON.parse(body));
    expect(res.status).toBe(422);
    const text = await res.text();
    expect(text.length).toBeLessThan(4096);
    const { issues } = JSON.parse(text) as { issues: { path: string; code: string; message: string }[] };
    expect(issues).toHaveLength(MAX_ISSUES + 1);
    expect(issues[0]).toMatchObject({ path: 'k0', code: 'unknown_field' });
    expect(issues[MAX_ISSUES]).toEqual({
      path: '',
      code: 'too_many_issues',
      message: '2980 more issues left out; fix the ones listed first.',
    });
  });

  it('says it in German for a German lead', async () => {
    const junk = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${i}`, 1]));
    const { issues } = (await (await post({ ...lead, ...junk })).json()) as { issues: { message: string }[] };
    expect(issues.at(-1)?.message).toBe('5 weitere Hinweise ausgelassen; bitte zuerst die genannten beheben.');
  });

  it('leaves a short list as it is', async () => {
    const { issues } = (await (await post({ ...lead, a: 1, b: 2 })).json()) as { issues: unknown[] };
    expect(issues).toHaveLength(2);
  });
});
