import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '../testing/app-harness.ts';
import { postLead, validLead } from '../testing/lead-client.ts';

type Issues = { error: string; issues: { path: string; code: string; message: string }[] };

// Every string field a visitor can send, as a path and a way to put a value there.
const FIELDS: [string, (v: string) => object][] = [
  ...['name', 'company', 'topic', 'message', 'consentVersion'].map((f): [string, (v: string) => object] => [
    f,
    (v) => ({ [f]: v }),
  ]),
  ['source.utm_source', (v) => ({ source: { utm_source: v } })],
  ['source.utm_campaign', (v) => ({ source: { utm_campaign: v } })],
  ['source.url', (v) => ({ source: { url: `https://www.kunde.de/${v}` } })],
];

const HOSTILE: [string, string][] = [
  ['NUL', 'a\u0000b'],
  ['escape', 'a\u001b[31mb'],
  ['DEL', 'a\u007fb'],
  ['C1 control', 'a\u0085b'],
  ['lone high surrogate', 'a\ud800b'],
  ['lone low surrogate', 'a\udc00b'],
  ['right-to-left override', 'a\u202eb'],
  ['isolate', 'a\u2067b'],
];

describe('hostile characters in every string field', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness('sqlite');
  });
  afterAll(() => h.close());

  for (const [path, put] of FIELDS) {
    it(`refuses control characters, lone surrogates and bidi overrides in ${path} with a clear message`, async () => {
      for (const [label, value] of HOSTILE) {
        const res = await postLead(h, { ...validLead, ...put(value) });
        expect(res.status, `${label} in ${path}`).toBe(422);
        const body = (await res.json()) as Issues;
        expect(body.issues, `${label} in ${path}`).toEqual([
          { path, code: 'invalid_chars', message: 'Dieses Feld enthält unzulässige Steuerzeichen.' },
        ]);
      }
    });
  }

  it('refuses a line break in one-line fields but keeps it in the message', async () => {
    expect((await postLead(h, { ...validLead, name: 'Anna\nBcc: x@evil.example' })).status).toBe(422);
    expect((await postLead(h, { ...validLead, company: 'A\u2028B' })).status).toBe(422);
    const res = await postLead(h, { ...validLead, message: 'Zeile 1\r\nZeile 2\n\tEingerückt' });
    expect(res.status).toBe(201);
  });

  it('stores emoji, right-to-left and CJK text exactly as sent', async () => {
    const lead = {
      ...validLead,
      name: 'محمد 李小龍 👩🏽‍💻',
      company: 'שלום בע״מ',
      topic: '人工知能 🤖',
      message: 'مرحبا\nこんにちは 🇩🇪',
    };
    const res = await postLead(h, lead);
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const row = await h.testDb.db.kysely.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect([row.name, row.company, row.topic, row.message]).toEqual([
      lead.name,
      lead.company,
      lead.topic,
      lead.message,
    ]);
  });

  it('accepts one plain address up to 254 characters and refuses anything longer or stranger', async () => {
    const domain = `${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.de`;
    const longest = `${'a'.repeat(254 - domain.length - 1)}@${domain}`;
    expect(longest.length).toBe(254);
    expect((await postLead(h, { ...validLead, email: longest })).status).toBe(422);
    const ok = `${'a'.repeat(64)}@${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.de`;
    expect((await postLead(h, { ...validLead, email: ok })).status).toBe(201);
    for (const email of [
      `a${ok}`,
      `${'a'.repeat(65)}@b.de`,
      'a@b',
      'a@@b.de',
      '<a@b.de>',
      'Anna <a@b.de>',
      'a@b.de;c@d.de',
      'a@-b.de',
      ' a@b.de\u0000',
    ]) {
      expect((await postLead(h, { ...validLead, email })).status, email).toBe(422);
    }
    for (const email of ['a.b+tag@sub.example.de', 'juergen@müller.de', 'x@example.xn--p1ai']) {
      expect((await postLead(h, { ...validLead, email })).status, email).toBe(201);
    }
  });

  it('accepts phone numbers of digits, spaces and + - / ( ) only', async () => {
    for (const phone of ['+49 (0)30 123456-7', '030/123 456'])
      expect((await postLead(h, { ...validLead, phone })).status, phone).toBe(201);
    for (const phone of ['+49 30 CALL-NOW', '123;456', '１２３', '---', '+49\t30']) {
      const res = await postLead(h, { ...validLead, phone });
      expect(res.status, phone).toBe(422);
    }
  });

  it('refuses a page address that is not http(s), so no javascript: link reaches the admin', async () => {
    const res = await postLead(h, { ...validLead, source: { url: 'javascript:alert(1)' } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as Issues).issues).toEqual([
      { path: 'source.url', code: 'invalid_value', message: 'Dieser Wert ist nicht zulässig.' },
    ]);
  });

  it('bounds the spam fields and says how long they may be', async () => {
    const res = await postLead(h, { ...validLead, website: 'x'.repeat(1001), challenge: 7 });
    expect(res.status).toBe(422);
    expect(((await res.json()) as Issues).issues).toEqual([
      { path: 'website', code: 'too_long', message: 'Bitte höchstens 1000 Zeichen.' },
      { path: 'challenge', code: 'invalid_type', message: 'Dieser Wert hat den falschen Typ.' },
    ]);
  });
});
