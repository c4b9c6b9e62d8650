import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '../testing/app-harness.ts';
import { describeEachDb } from '../testing/each-db.ts';

const valid = {
  name: 'Jürgen Größe',
  email: 'juergen@example.de',
  company: 'Müller & Söhne GmbH',
  topic: 'KI-Strategie',
  message: 'Wir möchten Rechnungen automatisch auslesen.',
  locale: 'de',
  source: { url: 'https://www.kunde.de/leistungen?utm_source=newsletter', utm_source: 'newsletter' },
};

const post = (h: Harness, body: unknown, headers: Record<string, string> = {}) =>
  h.app.request('/api/leads', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describeEachDb('POST /api/leads', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(dialect);
  });
  afterAll(() => h.close());

  const count = async (table: 'leads' | 'jobs' | 'idempotency_keys') =>
    Number(
      (
        await h.testDb.db.kysely
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('stores the lead and its mail job together and answers 201 with the id', async () => {
    const res = await post(h, valid);
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const lead = await h.testDb.db.kysely
      .selectFrom('leads')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(lead).toMatchObject({
      name: 'Jürgen Größe',
      email: 'juergen@example.de',
      company: 'Müller & Söhne GmbH',
      status: 'new',
      locale: 'de',
    });
    expect(JSON.parse(lead.source!)).toEqual(valid.source);
    const jobs = await h.testDb.db.kysely.selectFrom('jobs').selectAll().where('lead_id', '=', id).execute();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ kind: 'mail.notification', state: 'pending' });
  });

  it('returns the same id for a repeated Idempotency-Key and creates no second lead or mail', async () => {
    const before = [await count('leads'), await count('jobs')];
    const headers = { 'Idempotency-Key': 'key-0001-aaaa' };
    const first = await post(h, valid, headers);
    const second = await post(h, valid, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
    expect([await count('leads'), await count('jobs')]).toEqual([before[0] + 1, before[1] + 1]);
  });

  it('answers 422 when an Idempotency-Key comes back with a different body', async () => {
    const headers = { 'Idempotency-Key': 'key-0002-bbbb' };
    expect((await post(h, valid, headers)).status).toBe(201);
    const res = await post(h, { ...valid, message: 'Etwas anderes.' }, headers);
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: 'idempotency_conflict' });
  });

  it('answers concurrent twins with one Idempotency-Key with one lead', async () => {
    const before = await count('leads');
    const headers = { 'Idempotency-Key': 'key-0003-twin' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(h, valid, headers)));
    const ids = new Set(await Promise.all(answers.map(async (r) => ((await r.json()) as { id: string }).id)));
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(ids.size).toBe(1);
    expect(await count('leads')).toBe(before + 1);
  });
});

describe('POST /api/leads refusals', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness('sqlite');
  });
  afterAll(() => h.close());

  it('answers 400 to a body that is not JSON', async () => {
    const res = await post(h, '{"name": "Anna",');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_json' });
  });

  it('answers 415 to text/plain, which would skip the CORS preflight', async () => {
    const res = await h.app.request('/api/leads', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify(valid),
    });
    expect(res.status).toBe(415);
  });

  it('answers 415 to a form post and to a missing content type', async () => {
    const form = await h.app.request('/api/leads', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'name=a',
    });
    const none = await h.app.request('/api/leads', { method: 'POST', body: new Blob([JSON.stringify(valid)]) });
    expect([form.status, none.status]).toEqual([415, 415]);
  });

  it('answers 413 to a body over 32 KB with Content-Length', async () => {
    const body = JSON.stringify({ ...valid, message: 'x'.repeat(40_000) });
    const res = await post(h, body, { 'Content-Length': String(Buffer.byteLength(body)) });
    expect(res.status).toBe(413);
  });

  it('answers 413 to a streamed body over 32 KB without Content-Length', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(8192));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 6) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await h.app.request('/api/leads', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: stream,
      // @ts-expect-error Node's fetch needs duplex for a streamed body
      duplex: 'half',
    });
    expect(res.status).toBe(413);
  });

  it('answers 422 with field issues in German by default', async () => {
    const res = await post(h, { name: '', email: 'not-an-address', message: 'Hallo' });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: string; issues: { path: string; code: string; message: string }[] };
    expect(body.error).toBe('validation');
    expect(body.issues).toEqual(
      expect.arrayContaining([
        { path: 'name', code: 'required', message: 'Bitte füllen Sie dieses Feld aus.' },
        { path: 'email', code: 'invalid_email', message: 'Bitte geben Sie eine gültige E-Mail-Adresse an.' },
      ]),
    );
  });

  it('answers 422 in English when the lead says locale en', async () => {
    const res = await post(h, { email: 'a@b.de', message: 'Hi', locale: 'en' });
    const body = (await res.json()) as { issues: { path: string; message: string }[] };
    expect(body.issues).toEqual([{ path: 'name', code: 'required', message: 'Please fill in this field.' }]);
  });

  it('refuses unknown fields instead of storing them', async () => {
    const res = await post(h, { ...valid, isAdmin: true });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { issues: unknown[] }).issues).toEqual([
      { path: 'isAdmin', code: 'unknown_field', message: 'Dieses Feld ist unbekannt.' },
    ]);
  });

  it('counts limits in code points, so 120 emoji fit a 120-character name', async () => {
    expect((await post(h, { ...valid, name: '😀'.repeat(120) })).status).toBe(201);
    const res = await post(h, { ...valid, name: '😀'.repeat(121) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { issues: { code: string }[] }).issues[0].code).toBe('too_long');
  });

  it('refuses a CR/LF in the email and a second address', async () => {
    for (const email of ['a@b.de\r\nBcc: x@evil.com', 'a@b.de, c@d.de', '"a b"@c.de', 'a@b.de (comment)']) {
      const res = await post(h, { ...valid, email });
      expect(res.status, email).toBe(422);
    }
  });
});

describe('CORS and origins', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness('sqlite');
  });
  afterAll(() => h.close());

  it('allows an allowlisted origin and says Vary: Origin', async () => {
    const res = await post(h, valid, { Origin: 'https://www.kunde.de' });
    expect(res.status).toBe(201);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://www.kunde.de');
    expect(res.headers.get('Access-Control-Expose-Headers')).toBe('Retry-After,Idempotent-Replayed');
    expect(res.headers.get('Vary')).toMatch(/Origin/);
  });

  it('lets an allowlisted page read an error answer too', async () => {
    const res = await post(h, { ...valid, email: 'nope' }, { Origin: 'https://www.kunde.de' });
    expect(res.status).toBe(422);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://www.kunde.de');
    expect(((await res.json()) as { error: string }).error).toBeTruthy();
  });

  it('lets an allowlisted page read Retry-After from a 429', async () => {
    const limited = await makeHarness('sqlite', { RATE_LIMIT_PER_MINUTE: '1' });
    try {
      const headers = { Origin: 'https://www.kunde.de' };
      expect((await post(limited, valid, headers)).status).toBe(201);
      const res = await post(limited, valid, headers);
      expect(res.status).toBe(429);
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://www.kunde.de');
      expect(res.headers.get('Access-Control-Expose-Headers')).toContain('Retry-After');
      expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('answers a preflight from an allowlisted origin with the methods, headers and max age', async () => {
    const res = await h.app.request('/api/leads', {
      method: 'OPTIONS',
      headers: { Origin: 'https://www.kunde.de', 'Access-Control-Request-Method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://www.kunde.de');
    expect(res.headers.get('Access-Control-Allow-Methods')).toContain('POST');
    expect(res.headers.get('Access-Control-Allow-Headers')).toContain('Idempotency-Key');
    expect(res.headers.get('Access-Control-Max-Age')).toBe('600');
  });

  it('refuses a foreign origin with 403 and no Allow-Origin', async () => {
    const res = await post(h, valid, { Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(res.headers.get('Vary')).toMatch(/Origin/);
  });

  it('answers a preflight from a foreign origin without Allow-Origin', async () => {
    const res = await h.app.request('/api/leads', {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('puts Vary: Origin on every answer, the health check included', async () => {
    const res = await h.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('Vary')).toMatch(/Origin/);
  });
});
