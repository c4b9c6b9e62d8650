import type { AddressObject } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { LEAD, type OutboxFixture, outboxFixture } from '../testing/outbox-fixture.ts';
import { buildNotification } from './notification.ts';

const SOURCE = {
  url: 'https://www.kunde.de/leistungen?utm_source=newsletter',
  referrer: 'https://www.google.de/',
  utm_source: 'newsletter',
  utm_medium: 'email',
  utm_campaign: 'herbst-2026',
};
const first = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a[0] : a)?.value[0];

describe('sales notification as it arrives over SMTP', () => {
  let f: OutboxFixture;
  afterEach(() => f.close());

  it('arrives in German with From, To, Reply-To, a scannable subject, escaped HTML and intact umlauts', async () => {
    f = await outboxFixture('sqlite');
    const name = '<script>alert(1)</script> Ä';
    const id = await f.post({
      ...LEAD,
      name,
      phone: '+49 30 1234567',
      consent: true,
      consentVersion: '2026-05',
      source: SOURCE,
    });
    await f.outbox.drainOnce();
    const [{ parsed, raw }] = await f.peer.waitFor(1);
    expect(first(parsed.from)).toEqual({ name: 'Beraten lassen', address: 'leads@beratung.example' });
    expect(first(parsed.to)).toEqual({ name: '', address: 'vertrieb@beratung.example' });
    expect(first(parsed.replyTo)).toEqual({ name, address: 'juergen@example.de' });
    expect(parsed.subject).toBe(`Neue Anfrage: KI-Strategie · Müller & Söhne GmbH · ${name}`);
    expect(parsed.messageId).toBe(`<lead-${id}@beratung.example>`);
    const html = String(parsed.html);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Ä');
    expect(html).not.toContain('<script>');
    expect(html).toContain('Müller &amp; Söhne GmbH');
    expect(html).toContain(`<a href="https://leads.beratung.example/api/admin/leads/${id}">`);
    const text = parsed.text ?? '';
    for (const line of [
      `Name: ${name}`,
      'Firma: Müller & Söhne GmbH',
      'Telefon: +49 30 1234567',
      'Thema: KI-Strategie',
      'Wir möchten Rechnungen automatisch auslesen.\nAm liebsten ab Januar.',
      `Seite: ${SOURCE.url}`,
      'Verweis (Referrer): https://www.google.de/',
      'utm_campaign: herbst-2026',
      'Datenschutzhinweis: abgefragt und bestätigt',
      'Version des Hinweises: 2026-05',
      'Werbe-Einwilligung: nicht abgefragt',
      `Anfrage-ID: ${id}`,
      `In der Admin-API öffnen: https://leads.beratung.example/api/admin/leads/${id}`,
    ]) {
      expect(text).toContain(line);
    }
    // Headers travel 7-bit clean; the umlauts survive the encoding.
    expect(raw.subarray(0, raw.indexOf('\r\n\r\n')).every((b) => b < 128)).toBe(true);
  });

  it('arrives in English when the lead was sent in English, without an admin link when PUBLIC_URL is unset', async () => {
    f = await outboxFixture('sqlite', { PUBLIC_URL: '' });
    await f.post({ name: 'Jane Doe', email: 'jane@example.com', message: 'We need help with data.', locale: 'en' });
    await f.outbox.drainOnce();
    const [{ parsed }] = await f.peer.waitFor(1);
    expect(parsed.subject).toBe('New inquiry: Jane Doe');
    const text = parsed.text ?? '';
    expect(text).toContain('Message:\nWe need help with data.');
    expect(text).toContain('Attribution:\nnone');
    expect(text).toContain('Privacy notice: not asked (an inquiry under Art. 6(1)(b) GDPR needs no tick box)');
    expect(text).toContain('Company: –');
    expect(text).not.toContain('/api/admin/leads/');
    expect(String(parsed.html)).toContain('<html lang="en">');
  });

  it('folds a CR/LF in a stored name away before it reaches the mailer, so no header can be injected', async () => {
    f = await outboxFixture('sqlite');
    const lead = {
      id: '0193a1b2-0000-7000-8000-000000000001',
      created_at: '2026-11-28T10:00:00.000Z',
      updated_at: '2026-11-28T10:00:00.000Z',
      status: 'new',
      name: 'Eve\r\nBcc: victim@evil.example',
      email: 'eve@example.com',
      company: 'ACME\r\nX-Evil: 1',
      phone: null,
      topic: null,
      message: 'Hallo',
      locale: 'de',
      consent: 0,
      consent_version: null,
      marketing: 0,
      source: null,
      note: null,
      assignee: null,
      recipients: null,
      consent_asked: null,
      marketing_asked: null,
    };
    const mail = buildNotification(lead, f.h.config);
    expect(mail.replyTo).toEqual({ name: 'Eve Bcc: victim@evil.example', address: 'eve@example.com' });
    await f.transport.send(mail);
    const [{ parsed, envelope }] = await f.peer.waitFor(1);
    expect(envelope.to).toEqual(['vertrieb@beratung.example']);
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.headers.has('x-evil')).toBe(false);
    expect(first(parsed.replyTo)?.name).toBe('Eve Bcc: victim@evil.example');
    expect(parsed.subject).toBe('Neue Anfrage: ACME X-Evil: 1 · Eve Bcc: victim@evil.example');
  });
});
