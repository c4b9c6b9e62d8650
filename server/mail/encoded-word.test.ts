import type { AddressObject } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { insertLead } from '../store/leads.ts';
import { LEAD, type OutboxFixture, outboxFixture } from '../testing/outbox-fixture.ts';

// Decodes to "A\r\nBcc: victim@evil.example".
const SMUGGLER = '=?UTF-8?B?QQ0KQmNjOiB2aWN0aW1AZXZpbC5leGFtcGxl?=';
const first = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a[0] : a)?.value[0];

describe('RFC 2047 encoded words from visitors', () => {
  let f: OutboxFixture;
  afterEach(() => f.close());

  const post = (body: Record<string, unknown>) =>
    f.h.app.request('/api/leads', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('refuses encoded-word syntax in every single-line field with 422 and a clear message', async () => {
    f = await outboxFixture('sqlite');
    const cases: [string, Record<string, unknown>][] = [
      ['name', { name: SMUGGLER }],
      ['name', { name: `Anna ${SMUGGLER} Beispiel` }],
      ['company', { company: '=?iso-8859-1?q?A=0D=0ABcc:_x@evil.example?=' }],
      ['topic', { topic: SMUGGLER }],
      ['email', { email: '=?utf-8?q?a?=@example.de' }],
      ['source.utm_source', { source: { utm_source: SMUGGLER } }],
    ];
    for (const [path, fields] of cases) {
      const res = await post({ ...LEAD, ...fields });
      expect(res.status, path).toBe(422);
      expect(((await res.json()) as { issues: unknown[] }).issues, path).toEqual([
        { path, code: 'encoded_word', message: 'Bitte ohne die Zeichenfolge =?…?= schreiben.' },
      ]);
    }
    expect(await f.h.testDb.db.kysely.selectFrom('leads').selectAll().execute()).toEqual([]);
  });

  it('keeps such text in the multi-line message, where no header carries it', async () => {
    f = await outboxFixture('sqlite');
    expect((await post({ ...LEAD, message: `Wir sahen ${SMUGGLER} im Betreff.` })).status).toBe(201);
  });

  it('mails a name stored before the rule as literal text, never as a decoded header line', async () => {
    f = await outboxFixture('sqlite');
    await insertLead(f.h.testDb.db, f.h.deps.clock, { ...LEAD, locale: 'de', name: SMUGGLER }, [
      { kind: 'mail.notification' },
    ]);
    await f.outbox.drainOnce();
    const [mail] = await f.peer.waitFor(1);
    expect(mail.envelope.to).toEqual(['vertrieb@beratung.example']);
    expect(mail.parsed.bcc).toBeUndefined();
    expect(mail.raw.toString()).not.toMatch(/^bcc:/im);
    expect(mail.parsed.subject).toContain('= ?UTF-8?B?QQ0KQmNjOiB2aWN0aW1AZXZpbC5leGFtcGxl?=');
    expect(mail.parsed.subject).not.toMatch(/[\r\n]|victim/);
    expect(first(mail.parsed.replyTo)?.name).not.toMatch(/[\r\n]|victim/);
  });
});
