import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '../testing/app-harness.ts';

const lead = { name: 'Jürgen Größe', email: 'juergen@example.de', message: 'Bitte um Rückruf.' };

describe('POST /api/leads and its charset', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness('sqlite');
  });
  afterAll(() => h.close());

  const post = (type: string, body: BodyInit) =>
    h.app.request('/api/leads', { method: 'POST', headers: { 'Content-Type': type }, body });
  const names = async () => (await h.testDb.db.kysely.selectFrom('leads').select('name').execute()).map((r) => r.name);

  it('refuses an ISO-8859-1 body with 415 and stores nothing', async () => {
    const latin1 = Buffer.from(JSON.stringify(lead), 'latin1');
    const res = await post('application/json; charset=iso-8859-1', latin1);
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({
      error: 'unsupported_media_type',
      message: expect.stringMatching(/UTF-8/),
    });
    expect(await names()).toEqual([]);
  });

  it('refuses other charsets however they are spelled', async () => {
    for (const type of [
      'application/json;charset="windows-1252"',
      'application/json; CHARSET=UTF-16',
      'application/json; charset=',
    ]) {
      expect((await post(type, JSON.stringify(lead))).status, type).toBe(415);
    }
  });

  it('accepts UTF-8 named in any spelling, or no charset at all, and keeps the umlauts', async () => {
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'application/json;charset="UTF-8"',
      'application/json; charset=utf8',
    ]) {
      expect((await post(type, JSON.stringify(lead))).status, type).toBe(201);
    }
    expect(await names()).toEqual(Array(4).fill('Jürgen Größe'));
  });
});
