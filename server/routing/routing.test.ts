import { afterEach, expect, it } from 'vitest';
import { silentLogger } from '../logger.ts';
import { startOutbox } from '../start-outbox.ts';
import { admin, body, TOKEN } from '../testing/admin-harness.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { LEAD } from '../testing/outbox-fixture.ts';
import { type WebhookFixture, webhookFixture } from '../testing/webhook-fixture.ts';

const ROUTES = 'KI-Strategie=strategie@firma.example;Schulungen=akademie@firma.example,leitung@firma.example';

describeEachDb('topic routing over SMTP', (dialect) => {
  let w: WebhookFixture;
  afterEach(() => w.close());

  const setup = () =>
    webhookFixture(dialect, (url) => ({
      WEBHOOK_URLS: url,
      SALES_ROUTES: ROUTES,
      SALES_INBOX: 'vertrieb@firma.example',
      ADMIN_TOKEN: TOKEN,
    }));
  const envelopeOf = (leadId: string) =>
    w.f.peer.mails.filter((m) => m.parsed.headers.get('x-lead-id') === leadId).map((m) => m.envelope.to);

  it('mails a routed topic to its addresses (any case, trimmed) and every other lead to SALES_INBOX', async () => {
    w = await setup();
    const strategy = await w.f.post({ ...LEAD, topic: 'ki-strategie' });
    const academy = await w.f.post({ ...LEAD, topic: '  SCHULUNGEN ' });
    const other = await w.f.post({ ...LEAD, topic: 'Dokumenten-KI' });
    const none = await w.f.post({ ...LEAD, topic: undefined });
    await w.f.outbox.drainOnce();
    await w.f.peer.waitFor(4);
    expect(envelopeOf(strategy)).toEqual([['strategie@firma.example']]);
    expect(envelopeOf(academy)).toEqual([['akademie@firma.example', 'leitung@firma.example']]);
    expect(envelopeOf(other)).toEqual([['vertrieb@firma.example']]);
    expect(envelopeOf(none)).toEqual([['vertrieb@firma.example']]);
    const mail = w.f.peer.mails.find((m) => m.parsed.headers.get('x-lead-id') === academy)!;
    expect(mail.raw.toString()).toMatch(/^To: akademie@firma\.example, leitung@firma\.example\r?$/m);
  });

  it('keeps the recipients fixed at intake through a settings change and a resend, and shows them in the detail and the webhook', async () => {
    w = await setup();
    const id = await w.f.post({ ...LEAD, topic: 'Schulungen' });
    // The operator changes the settings before the queued mail goes out: another process, same database.
    await w.f.outbox.stop();
    const changed = { ...w.f.h.config, salesRoutes: new Map(), salesInbox: ['neu@firma.example'] };
    const later = startOutbox({
      config: changed,
      db: w.f.h.testDb.db,
      clock: w.f.h.deps.clock,
      logger: silentLogger,
      transport: w.f.transport,
    });
    await later.drainOnce();
    await w.f.peer.waitFor(1);
    expect(envelopeOf(id)).toEqual([['akademie@firma.example', 'leitung@firma.example']]);

    const detail = await body<{ recipients: string[] }>(await admin(w.f.h, `/leads/${id}`));
    expect(detail.recipients).toEqual(['akademie@firma.example', 'leitung@firma.example']);

    expect((await admin(w.f.h, `/leads/${id}/resend`, { method: 'POST' })).status).toBe(202);
    await later.drainOnce();
    await w.f.peer.waitFor(2);
    expect(envelopeOf(id)).toEqual([
      ['akademie@firma.example', 'leitung@firma.example'],
      ['akademie@firma.example', 'leitung@firma.example'],
    ]);
    await later.stop();

    expect(w.receiver.received).toHaveLength(1);
    const payload = w.receiver.received[0].verified as { type: string; data: { id: string; recipients: string[] } };
    expect(payload.type).toBe('lead.created');
    expect(payload.data.recipients).toEqual(['akademie@firma.example', 'leitung@firma.example']);
  });

  it('mails a lead stored before routing existed to the current SALES_INBOX', async () => {
    w = await setup();
    const id = await w.f.post({ ...LEAD, topic: 'KI-Strategie' });
    await w.f.h.testDb.db.kysely.updateTable('leads').set({ recipients: null }).where('id', '=', id).execute();
    await w.f.outbox.drainOnce();
    await w.f.peer.waitFor(1);
    expect(envelopeOf(id)).toEqual([['vertrieb@firma.example']]);
    expect((await body<{ recipients: null }>(await admin(w.f.h, `/leads/${id}`))).recipients).toBeNull();
  });
});
