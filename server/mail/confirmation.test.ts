import type { AddressObject } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { type OutboxFixture, outboxFixture } from '../testing/outbox-fixture.ts';
import type { ReceivedMail } from '../testing/smtp-peer.ts';

const ON = {
  CONFIRMATION_MAIL: 'on',
  COMPANY_NAME: 'Muster Beratung GmbH',
  COMPANY_CONTACT: 'Musterstraße 1, 10115 Berlin | Telefon +49 30 1234567 | www.muster-beratung.example',
};
const first = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a[0] : a)?.value[0];
const HOUR = 60 * 60_000;

// Distinctive strings in every field a visitor controls, except the name and the address the mail goes to.
const PROBE = {
  name: 'Zelda Quux',
  email: 'zelda.quux@example.org',
  company: 'Qxcompanyprobe AG',
  phone: '+49 170 5550199',
  topic: 'Qxtopicprobe',
  message: 'Qxmessageprobe: click https://phish.example/login now',
  consentVersion: 'qxconsentprobe',
  source: {
    url: 'https://www.kunde.de/qxurlprobe',
    referrer: 'https://qxreferrerprobe.example/',
    utm_source: 'qxsourceprobe',
    utm_medium: 'qxmediumprobe',
    utm_campaign: 'qxcampaignprobe',
    utm_term: 'qxtermprobe',
    utm_content: 'qxcontentprobe',
  },
};
const FORBIDDEN = [
  'qxcompanyprobe',
  'qxtopicprobe',
  'qxmessageprobe',
  'phish.example',
  '5550199',
  'qxconsentprobe',
  'qxurlprobe',
  'qxreferrerprobe',
  'qxsourceprobe',
  'qxmediumprobe',
  'qxcampaignprobe',
  'qxtermprobe',
  'qxcontentprobe',
];

function everythingIn(mail: ReceivedMail): string {
  const { parsed } = mail;
  return [
    mail.raw.toString('latin1'),
    parsed.subject,
    parsed.text,
    String(parsed.html),
    [...parsed.headers.values()].map((v) => JSON.stringify(v)).join('\n'),
  ]
    .join('\n')
    .toLowerCase();
}

describe('visitor confirmation as it arrives over SMTP', () => {
  let f: OutboxFixture;
  afterEach(() => f.close());

  it("thanks the visitor in German by name with the firm's contact data, and carries no other text the visitor typed", async () => {
    f = await outboxFixture('sqlite', ON);
    const id = await f.post({ ...PROBE, locale: 'de', consent: true });
    await f.outbox.drainOnce();
    await f.peer.waitFor(2);
    const confirmation = f.peer.mails.find((m) => m.envelope.to.includes('zelda.quux@example.org'))!;
    const { parsed } = confirmation;
    expect(confirmation.envelope.to).toEqual(['zelda.quux@example.org']);
    expect(first(parsed.to)).toEqual({ name: 'Zelda Quux', address: 'zelda.quux@example.org' });
    expect(first(parsed.from)).toEqual({ name: 'Beraten lassen', address: 'leads@beratung.example' });
    expect(first(parsed.replyTo)).toEqual({ name: '', address: 'vertrieb@beratung.example' });
    expect(parsed.messageId).toBe(`<confirm-${id}@beratung.example>`);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.subject).toBe('Ihre Anfrage bei Muster Beratung GmbH');
    const text = parsed.text ?? '';
    expect(text.startsWith('Guten Tag Zelda Quux,\n')).toBe(true);
    for (const line of [
      'Mit freundlichen Grüßen\nMuster Beratung GmbH\nMusterstraße 1, 10115 Berlin\nTelefon +49 30 1234567\nwww.muster-beratung.example',
      'Falls Sie keine Anfrage gestellt haben',
    ]) {
      expect(text).toContain(line);
    }
    expect(String(parsed.html)).toContain('<html lang="de">');
    const all = everythingIn(confirmation);
    for (const probe of FORBIDDEN) expect(all, probe).not.toContain(probe);
    // The sales notification of the same lead does carry them: the probes were really stored and mailed.
    const notification = f.peer.mails.find((m) => m !== confirmation)!;
    expect(notification.envelope.to).toEqual(['vertrieb@beratung.example']);
    for (const probe of FORBIDDEN) expect(everythingIn(notification), probe).toContain(probe);
  });

  it('writes in English for an English lead and escapes a hostile name in the HTML part', async () => {
    f = await outboxFixture('sqlite', ON);
    await f.post({ name: '<b>Jane</b> & "Doe"', email: 'jane@example.com', message: 'Qxmessageprobe', locale: 'en' });
    await f.outbox.drainOnce();
    await f.peer.waitFor(2);
    const { parsed } = f.peer.mails.find((m) => m.envelope.to.includes('jane@example.com'))!;
    expect(parsed.subject).toBe('Your inquiry to Muster Beratung GmbH');
    expect(parsed.text).toContain('Hello <b>Jane</b> & "Doe",\n');
    expect(parsed.text).toContain('Kind regards\nMuster Beratung GmbH');
    const html = String(parsed.html);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Hello &lt;b&gt;Jane&lt;/b&gt; &amp; &quot;Doe&quot;,');
    expect(html).not.toContain('<b>Jane');
  });

  it('is off by default: only the sales notification is queued', async () => {
    f = await outboxFixture('sqlite');
    const id = await f.post(PROBE);
    const kinds = await f.h.testDb.db.kysely.selectFrom('jobs').select('kind').where('lead_id', '=', id).execute();
    expect(kinds.map((k) => k.kind)).toEqual(['mail.notification']);
  });

  it('refuses CONFIRMATION_MAIL=on without COMPANY_NAME, naming the setting', () => {
    expect(() => loadConfig({ CONFIRMATION_MAIL: 'on' })).toThrow(ConfigError);
    expect(() => loadConfig({ CONFIRMATION_MAIL: 'on' })).toThrow(/COMPANY_NAME: CONFIRMATION_MAIL=on needs/);
    expect(() => loadConfig({ CONFIRMATION_MAIL: 'yes' })).toThrow(/CONFIRMATION_MAIL: use on or off/);
  });
});

describeEachDb('confirmation cap per address', (dialect) => {
  let f: OutboxFixture;
  afterEach(() => f.close());

  const confirmations = () =>
    f.h.testDb.db.kysely
      .selectFrom('jobs')
      .innerJoin('leads', 'leads.id', 'jobs.lead_id')
      .select(['leads.email', 'jobs.target'])
      .where('jobs.kind', '=', JOB_KINDS.confirmation)
      .orderBy('jobs.created_at')
      .execute();

  it('sends at most one confirmation per address in 24 hours, counting the address case-insensitively, and never for spam', async () => {
    f = await outboxFixture(dialect, ON);
    await f.post({ ...PROBE, email: 'anna@example.de' });
    f.h.advance(HOUR);
    await f.post({ ...PROBE, email: 'Anna@Example.DE', message: 'second inquiry' });
    await f.post({ ...PROBE, email: 'bert@example.de' });
    await f.post({ ...PROBE, email: 'carla@example.de', website: 'https://spam.example' });
    expect((await confirmations()).map((c) => c.email)).toEqual(['anna@example.de', 'bert@example.de']);
    // The job stores a hash, not a second copy of the address.
    expect((await confirmations()).every((c) => c.target?.startsWith('sha256:') && !c.target.includes('@'))).toBe(true);

    await f.outbox.drainOnce();
    await f.peer.waitFor(5);
    const visitors = f.peer.mails.flatMap((m) => m.envelope.to).filter((to) => to !== 'vertrieb@beratung.example');
    expect(visitors.sort()).toEqual(['anna@example.de', 'bert@example.de']);

    f.h.advance(23 * HOUR + 1000);
    await f.post({ ...PROBE, email: 'anna@example.de', message: 'third inquiry, a day later' });
    expect((await confirmations()).map((c) => c.email)).toEqual([
      'anna@example.de',
      'bert@example.de',
      'anna@example.de',
    ]);
  });

  it('lets only one of many simultaneous posts from one address queue a confirmation', async () => {
    f = await outboxFixture(dialect, ON);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => f.post({ ...PROBE, email: 'dora@example.de', message: `parallel ${i}` })),
    );
    expect(new Set(results).size).toBe(8);
    expect(await confirmations()).toHaveLength(1);
  });
});
