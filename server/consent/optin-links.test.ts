import type { AddressObject } from 'mailparser';
import { afterEach, expect, it } from 'vitest';
import { purgeExpired } from '../admin/retention.ts';
import { admin, body } from '../testing/admin-harness.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { type OptInFixture, optInFixture, VISITOR } from '../testing/optin-fixture.ts';

const DAY = 86_400_000;
const first = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a[0] : a)?.value[0];
const forge = (token: string) => token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');

describeEachDb('double opt-in links', (dialect) => {
  let o: OptInFixture;
  afterEach(() => o.close());

  it('stores marketing as pending and mails the visitor once, from MAIL_FROM, with only the name of what they typed', async () => {
    o = await optInFixture(dialect);
    const probe = {
      ...VISITOR,
      company: 'Qxcompanyprobe AG',
      topic: 'Qxtopicprobe',
      message: 'Qxmessageprobe https://phish.example',
    };
    const { id, mail } = await o.postAndMail(probe);
    expect(mail).toBeDefined();
    expect(first(mail!.parsed.from)).toEqual({ name: 'Beraten lassen', address: 'leads@beratung.example' });
    expect(first(mail!.parsed.to)).toEqual({ name: 'Anna Beispiel', address: 'anna.beispiel@example.org' });
    expect(mail!.envelope.to).toEqual(['anna.beispiel@example.org']);
    expect(mail!.parsed.subject).toBe('Bitte bestätigen: Informationen von Beraten lassen per E-Mail');
    expect(mail!.parsed.text).toContain('Guten Tag Anna Beispiel,');
    expect(mail!.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    const everything = `${mail!.raw.toString('latin1')}\n${mail!.parsed.text}\n${mail!.parsed.html}`.toLowerCase();
    for (const probeText of ['qxcompanyprobe', 'qxtopicprobe', 'qxmessageprobe', 'phish.example'])
      expect(everything).not.toContain(probeText);
    expect(o.linkOf(mail!).url.origin).toBe('https://leads.beratung.example');

    const detail = await o.detail(id);
    expect(detail.lead.marketing).toBe(false);
    expect(detail.marketingConsent).toMatchObject({
      state: 'pending',
      confirmedAt: null,
      textVersion: 'optin-2026-12',
    });
    const requested = Date.parse(detail.marketingConsent.requestedAt!);
    expect(Date.parse(detail.marketingConsent.expiresAt!) - requested).toBe(7 * DAY);
    // The sales notification says the opt-in is still open.
    const sales = o.f.peer.mails.find((m) => m.envelope.to.includes('vertrieb@beratung.example'))!;
    expect(sales.parsed.text).toContain('Werbe-Einwilligung: angekreuzt, Bestätigung per E-Mail ausstehend');
  });

  it('GET shows the button and changes nothing, however often it is opened', async () => {
    o = await optInFixture(dialect);
    const { id, mail } = await o.postAndMail();
    const { token } = o.linkOf(mail!);
    const before = await o.detail(id);
    for (let i = 0; i < 3; i++) {
      const page = await o.open(token);
      expect(page.status).toBe(200);
      expect(page.html).toContain('<html lang="de">');
      expect(page.html).toContain('<button type="submit">Einwilligung bestätigen</button>');
      expect(page.html).not.toContain('<script');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(page.headers.get('cache-control')).toBe('no-store');
    }
    const head = await o.f.h.app.request(`/consent/marketing?t=${encodeURIComponent(token)}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await o.detail(id)).toEqual(before);
    expect((await o.deliveries(id)).map((d) => d.kind)).toEqual(['webhook.lead.created']);
  });

  it('POST confirms once: times in the detail, marketing true, an audit entry and a lead.updated webhook', async () => {
    o = await optInFixture(dialect);
    const { id, mail } = await o.postAndMail();
    const { token } = o.linkOf(mail!);
    o.f.h.advance(60_000);
    const done = await o.confirm(token);
    expect(done.status).toBe(200);
    expect(done.html).toContain('Vielen Dank, Ihre Einwilligung ist bestätigt');
    const detail = await o.detail(id);
    expect(detail.lead.marketing).toBe(true);
    expect(detail.marketingConsent.state).toBe('confirmed');
    expect(Date.parse(detail.marketingConsent.confirmedAt!) - Date.parse(detail.marketingConsent.requestedAt!)).toBe(
      60_000,
    );
    expect(detail.audit).toContainEqual(expect.objectContaining({ action: 'marketing', detail: 'pending->confirmed' }));
    await o.f.outbox.drainOnce();
    const updated = o.receiver.received.map((r) => r.verified as { type: string; data: { marketing: boolean } });
    expect(updated.map((p) => [p.type, p.data.marketing])).toEqual([
      ['lead.created', false],
      ['lead.updated', true],
    ]);

    // Replay: a clear page, and nothing changes (not even the confirmation time).
    const snapshot = await o.detail(id);
    o.f.h.advance(60_000);
    const again = await o.confirm(token);
    expect(again.status).toBe(409);
    expect(again.html).toContain('Dieser Link wurde bereits verwendet');
    expect((await o.open(token)).status).toBe(409);
    expect(await o.detail(id)).toEqual(snapshot);
    expect(await o.deliveries(id)).toHaveLength(2);
  });

  it('two presses at the same moment confirm once', async () => {
    o = await optInFixture(dialect);
    const { id, mail } = await o.postAndMail();
    const { token } = o.linkOf(mail!);
    const statuses = (await Promise.all([o.confirm(token), o.confirm(token), o.confirm(token)])).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 409, 409]);
    const detail = await o.detail(id);
    expect(detail.audit.filter((a) => a.action === 'marketing')).toHaveLength(1);
    expect((await o.deliveries(id)).filter((d) => d.kind === 'webhook.lead.updated')).toHaveLength(1);
  });

  it('an expired link gets a clear page and confirms nothing (injected clock, MARKETING_CONFIRM_DAYS)', async () => {
    o = await optInFixture(dialect, { MARKETING_CONFIRM_DAYS: '2' });
    const { id, mail } = await o.postAndMail();
    const { token } = o.linkOf(mail!);
    o.f.h.advance(2 * DAY - 1000);
    expect((await o.open(token)).status).toBe(200);
    o.f.h.advance(1000);
    const page = await o.open(token);
    expect(page.status).toBe(410);
    expect(page.html).toContain('Dieser Link ist abgelaufen');
    expect(page.html).not.toContain('<form');
    const posted = await o.confirm(token);
    expect(posted.status).toBe(410);
    const detail = await o.detail(id);
    expect(detail.lead.marketing).toBe(false);
    expect(detail.marketingConsent.state).toBe('pending');
  });

  it('a forged or mangled link gets a clear page and confirms nothing', async () => {
    o = await optInFixture(dialect);
    const { id, mail } = await o.postAndMail();
    const { token } = o.linkOf(mail!);
    const [cid, exp, sig] = token.split('.');
    const later = `${cid}.${Number(exp) + 365 * 86_400}.${sig}`;
    for (const bad of [forge(token), later, `${cid}.${exp}`, 'nonsense', '']) {
      const page = await o.open(bad);
      expect(page.status).toBe(400);
      expect(page.html).toContain('Dieser Link ist ungültig');
      expect((await o.confirm(bad)).status).toBe(400);
    }
    const noBody = await o.f.h.app.request('/consent/marketing', { method: 'POST' });
    expect(noBody.status).toBe(400);
    expect((await o.detail(id)).marketingConsent.state).toBe('pending');
    expect((await o.confirm(token)).status).toBe(200);
  });

  it('speaks English to an English lead, in the mail and on the page', async () => {
    o = await optInFixture(dialect);
    const { mail } = await o.postAndMail({ ...VISITOR, locale: 'en' });
    expect(mail!.parsed.subject).toBe('Please confirm: information from Beraten lassen by email');
    const { token } = o.linkOf(mail!);
    const page = await o.open(token);
    expect(page.html).toContain('<html lang="en">');
    expect(page.html).toContain('<button type="submit">Confirm consent</button>');
    expect((await o.confirm(token)).html).toContain('Thank you, your consent is confirmed');
  });

  it('sends at most one opt-in mail per address in 24 hours, whatever its case', async () => {
    o = await optInFixture(dialect);
    expect((await o.postAndMail()).mail).toBeDefined();
    o.f.h.advance(23 * 60 * 60_000);
    const second = await o.postAndMail({ ...VISITOR, email: 'Anna.Beispiel@Example.org' });
    expect(second.mail).toBeUndefined();
    expect((await o.detail(second.id)).marketingConsent.state).toBe('pending');
    o.f.h.advance(60 * 60_000 + 1000);
    expect((await o.postAndMail()).mail).toBeDefined();
    expect(o.f.peer.mails.filter((m) => m.parsed.messageId?.startsWith('<optin-'))).toHaveLength(2);
  });

  it('writes one opt-in mail job when posts from one address arrive at the same moment', async () => {
    o = await optInFixture(dialect);
    const ids = await Promise.all([1, 2, 3].map((i) => o.f.post({ ...VISITOR, message: `Anfrage ${i}` })));
    const jobs = await o.f.h.testDb.db.kysely
      .selectFrom('jobs')
      .select('lead_id')
      .where('kind', '=', 'mail.marketing_optin')
      .execute();
    expect(jobs).toHaveLength(1);
    expect(ids).toContain(jobs[0].lead_id);
    const records = await o.f.h.testDb.db.kysely.selectFrom('marketing_consents').select('state').execute();
    expect(records).toEqual([{ state: 'pending' }, { state: 'pending' }, { state: 'pending' }]);
  });

  it('lists the record in the Art. 15 export; erasing the lead removes it and the link stops working', async () => {
    o = await optInFixture(dialect);
    const { id, mail } = await o.postAndMail();
    const { token } = o.linkOf(mail!);
    const exported = await body<{ leads: { marketingConsent: { state: string; requestedAt: string } }[] }>(
      await admin(o.f.h, `/subjects?email=${encodeURIComponent(VISITOR.email)}`),
    );
    expect(exported.leads[0].marketingConsent).toMatchObject({ state: 'pending', requestedAt: expect.any(String) });
    expect((await admin(o.f.h, `/leads/${id}`, { method: 'DELETE' })).status).toBe(200);
    const rows = await o.f.h.testDb.db.kysely.selectFrom('marketing_consents').selectAll().execute();
    expect(rows).toEqual([]);
    const page = await o.open(token);
    expect(page.status).toBe(410);
    expect(page.html).toContain('Dieser Link gilt nicht mehr');
    expect((await o.confirm(token)).status).toBe(410);
  });

  it('the retention purge removes the record too, and its open link stops working', async () => {
    o = await optInFixture(dialect, { RETENTION_DAYS: 'default:1' });
    const { mail } = await o.postAndMail();
    const { token } = o.linkOf(mail!);
    o.f.h.advance(DAY + 1000);
    const purged = await purgeExpired(o.f.h.testDb.db, o.f.h.deps.clock, o.f.h.config.RETENTION_DAYS);
    expect(purged.purged).toBe(1);
    expect(await o.f.h.testDb.db.kysely.selectFrom('marketing_consents').selectAll().execute()).toEqual([]);
    const page = await o.open(token);
    expect(page.status).toBe(410);
    expect(page.html).toContain('Dieser Link gilt nicht mehr');
  });
});
