import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, maskEmails, maskName } from './logger.ts';
import type { MailTransport } from './mail/mail-transport.ts';
import { createMailTransport } from './mail/transport.ts';
import { type Outbox, startOutbox } from './start-outbox.ts';
import { type Harness, makeHarness } from './testing/app-harness.ts';
import { TEST_BACKOFF } from './testing/outbox-fixture.ts';
import { type SmtpPeer, startSmtpPeer } from './testing/smtp-peer.ts';

const TOKEN = 'b'.repeat(40);
const VISITOR = {
  name: 'Quentin Probemann',
  email: 'quentin.probemann@example.org',
  company: 'Probe & Partner',
  message: 'Geheimer Nachrichtentext über unsere Umsatzzahlen',
  locale: 'de',
};

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return {
    stream,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('masking helpers', () => {
  it('keeps the first character and the domain of an address, plain or URL-encoded, and the first letter of a name', () => {
    expect(maskEmails('550 <anna.schmidt@kunde.de> unknown; cc bob@x.org')).toBe(
      '550 <a***@kunde.de> unknown; cc b***@x.org',
    );
    expect(maskEmails('/subjects?email=anna%40kunde.de')).toBe('/subjects?email=a***%40kunde.de');
    expect(maskEmails('leads@localhost stays, it has no public domain')).toBe(
      'leads@localhost stays, it has no public domain',
    );
    expect(maskName('Ärger Özdemir')).toBe('Ä***');
    expect(maskName(undefined)).toBe('***');
  });
});

describe('logs of a real run', () => {
  let h: Harness;
  let peer: SmtpPeer;
  let transport: MailTransport;
  let outbox: Outbox;
  afterEach(async () => {
    await outbox.stop();
    transport.close();
    await peer.close();
    await h.close();
  });

  it('hold one JSON line per request with its X-Request-Id, and no address, name or message text of a visitor', async () => {
    const out = capture();
    const logger = createLogger('debug', out.stream);
    peer = await startSmtpPeer();
    h = await makeHarness(
      'sqlite',
      {
        SMTP_URL: peer.url,
        ADMIN_TOKEN: TOKEN,
        CONFIRMATION_MAIL: 'on',
        COMPANY_NAME: 'Muster GmbH',
        SALES_INBOX: 'vertrieb@beratung.example',
      },
      { logger, wakeOutbox: () => outbox.wake() },
    );
    transport = createMailTransport(h.config);
    outbox = startOutbox(
      { config: h.config, db: h.testDb.db, clock: h.deps.clock, logger, transport },
      { backoff: TEST_BACKOFF },
    );

    // Both mails are refused with a reply that names the visitor, as real servers do; the worker logs that reply.
    peer.failNext(451, 2, `4.2.2 <${VISITOR.email}> mailbox full`);
    const post = await h.app.request('/api/leads', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(VISITOR),
    });
    expect(post.status).toBe(201);
    await outbox.drainOnce();
    h.advance(5000);
    await outbox.drainOnce();
    await peer.waitFor(2);
    const invalid = await h.app.request('/api/leads', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'client-chosen-id-1' },
      body: JSON.stringify({ ...VISITOR, email: 'quentin.probemann@' }),
    });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get('x-request-id')).toBe('client-chosen-id-1');
    const subject = await h.app.request(`/api/admin/subjects?email=${encodeURIComponent(VISITOR.email)}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(subject.status).toBe(200);

    const text = out.text();
    for (const secret of [
      VISITOR.email,
      encodeURIComponent(VISITOR.email),
      'quentin.probemann',
      'Probemann',
      'Geheimer',
      'Umsatzzahlen',
    ]) {
      expect(text, secret).not.toContain(secret);
    }
    const lines = out.lines();
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.map((l) => [l.method, l.path, l.status])).toEqual([
      ['POST', '/api/leads', 201],
      ['POST', '/api/leads', 422],
      ['GET', '/api/admin/subjects', 200],
    ]);
    expect(requests[0].reqId).toBe(post.headers.get('x-request-id'));
    expect(requests[1].reqId).toBe('client-chosen-id-1');
    expect(requests.every((l) => typeof l.ms === 'number' && typeof l.time === 'string')).toBe(true);
    // The worker's lines are there, with the SMTP reply masked rather than dropped.
    const retries = lines.filter((l) => l.msg === 'outbox: job failed; will retry');
    expect(retries).toHaveLength(2);
    expect(String(retries[0].error)).toContain('<q***@example.org> mailbox full');
    expect(lines.filter((l) => l.msg === 'outbox: job done')).toHaveLength(2);
  });

  it('masks a name and an address passed as fields and drops a message body, even when a caller logs a whole lead', () => {
    const out = capture();
    createLogger('info', out.stream).info(
      { lead: { ...VISITOR }, email: VISITOR.email, name: VISITOR.name },
      'careless call',
    );
    const [line] = out.lines();
    expect(line).toMatchObject({
      email: 'q***@example.org',
      name: 'Q***',
      lead: { name: 'Q***', email: 'q***@example.org', message: '[omitted]', company: 'Probe & Partner' },
    });
  });
});
