import { afterEach, expect, it } from 'vitest';
import { describeEachDb } from '../testing/each-db.ts';
import { LEAD } from '../testing/outbox-fixture.ts';
import { type WebhookFixture, webhookFixture } from '../testing/webhook-fixture.ts';

const MINUTE = 60_000;

describeEachDb('webhook delivery to a real receiver', (dialect) => {
  let w: WebhookFixture;
  afterEach(() => w.close());

  it('delivers each lead once, signed so standardwebhooks verifies it, next to the sales mail', async () => {
    w = await webhookFixture(dialect);
    const first = await w.f.post();
    const second = await w.f.post({
      ...LEAD,
      name: 'Zweite Person',
      email: 'zwei@example.de',
      source: { utm_source: 'newsletter' },
    });
    await w.f.outbox.drainOnce();
    expect(w.receiver.received).toHaveLength(2);
    expect(w.receiver.received.map((r) => r.verifyError)).toEqual([undefined, undefined]);
    const byLead = new Map(w.receiver.received.map((r) => [(r.verified as { data: { id: string } }).data.id, r]));
    const [job] = await w.deliveries(first);
    expect(job).toMatchObject({
      kind: 'webhook.lead.created',
      target: w.receiver.url,
      state: 'sent',
      attempts: 1,
      last_error: null,
    });
    const got = byLead.get(first)!;
    expect(got.headers['webhook-id']).toBe(`msg_${job.id}`);
    expect(got.headers['webhook-timestamp']).toBe(String(Math.floor(w.f.h.deps.clock().getTime() / 1000)));
    expect(got.headers['content-type']).toBe('application/json');
    const payload = got.verified as { type: string; timestamp: string; data: Record<string, unknown> };
    expect(payload.type).toBe('lead.created');
    expect(Date.parse(payload.timestamp)).toBeGreaterThan(0);
    expect(payload.data).toMatchObject({
      id: first,
      status: 'new',
      name: LEAD.name,
      email: LEAD.email,
      company: LEAD.company,
      message: LEAD.message,
      locale: 'de',
      consent: false,
      marketing: false,
    });
    expect(Object.keys(payload.data)).not.toContain('note');
    expect(Object.keys(payload.data)).not.toContain('assignee');
    expect((byLead.get(second)!.verified as { data: { source: unknown } }).data.source).toEqual({
      utm_source: 'newsletter',
    });
    expect(w.f.peer.mails).toHaveLength(2);
    // Nothing is sent twice: a further drain finds no due job.
    expect(await w.f.outbox.drainOnce()).toBe(0);
    expect(w.receiver.received).toHaveLength(2);
  });

  it('sends one delivery per configured URL', async () => {
    const { startReceiver } = await import('../testing/webhook-receiver.ts');
    const other = await startReceiver();
    try {
      w = await webhookFixture(dialect, (url) => ({ WEBHOOK_URLS: `${url}, ${other.url}` }));
      const id = await w.f.post();
      await w.f.outbox.drainOnce();
      expect((await w.deliveries(id)).map((d) => [d.target, d.state])).toEqual(
        expect.arrayContaining([
          [w.receiver.url, 'sent'],
          [other.url, 'sent'],
        ]),
      );
      expect([w.receiver.received.length, other.received.length]).toEqual([1, 1]);
      expect(other.received[0].verifyError).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('retries a 500 with backoff and delivers with the same webhook-id and body, freshly timed and signed', async () => {
    w = await webhookFixture(dialect);
    w.receiver.replyNext(500);
    const id = await w.f.post();
    await w.f.outbox.drainOnce();
    expect(await w.deliveries(id)).toMatchObject([
      { state: 'pending', attempts: 1, last_error: expect.stringMatching(/^E_WEBHOOK_HTTP: 500: receiver says 500/) },
    ]);
    expect(await w.f.outbox.drainOnce()).toBe(0);
    w.f.h.advance(MINUTE);
    await w.f.outbox.drainOnce();
    expect(await w.deliveries(id)).toMatchObject([{ state: 'sent', attempts: 2, last_error: null }]);
    const [a, b] = w.receiver.received;
    expect([a.verifyError, b.verifyError]).toEqual([undefined, undefined]);
    expect(b.headers['webhook-id']).toBe(a.headers['webhook-id']);
    expect(b.body).toBe(a.body);
    expect(Number(b.headers['webhook-timestamp']) - Number(a.headers['webhook-timestamp'])).toBe(60);
    expect(b.headers['webhook-signature']).not.toBe(a.headers['webhook-signature']);
  });

  it('gives up on a receiver that hangs past WEBHOOK_TIMEOUT_MS and delivers on the retry', async () => {
    w = await webhookFixture(dialect, (url) => ({ WEBHOOK_URLS: url, WEBHOOK_TIMEOUT_MS: '300' }));
    w.receiver.replyNext('hang');
    const id = await w.f.post();
    await w.f.outbox.drainOnce();
    expect(await w.deliveries(id)).toMatchObject([
      { state: 'pending', attempts: 1, last_error: expect.stringMatching(/^E_WEBHOOK_TIMEOUT: .*300 ms/) },
    ]);
    w.f.h.advance(MINUTE);
    await w.f.outbox.drainOnce();
    expect(await w.deliveries(id)).toMatchObject([{ state: 'sent', attempts: 2 }]);
    expect(w.receiver.received.map((r) => r.headers['webhook-id'])).toEqual([
      w.receiver.received[0].headers['webhook-id'],
      w.receiver.received[0].headers['webhook-id'],
    ]);
  });

  it('marks a delivery dead at once on 410 Gone and never sends it again', async () => {
    w = await webhookFixture(dialect);
    w.receiver.replyNext(410);
    const id = await w.f.post();
    await w.f.outbox.drainOnce();
    w.f.h.advance(60 * MINUTE);
    expect(await w.f.outbox.drainOnce()).toBe(0);
    expect(await w.deliveries(id)).toMatchObject([
      { state: 'dead', attempts: 1, last_error: expect.stringMatching(/^E_WEBHOOK_GONE: 410/) },
    ]);
    expect(w.receiver.received).toHaveLength(1);
    // The mail is a separate job and went out regardless.
    expect(w.f.peer.mails).toHaveLength(1);
  });

  it('treats a redirect as a failure and does not follow it', async () => {
    w = await webhookFixture(dialect);
    w.receiver.replyNext(307);
    const id = await w.f.post();
    await w.f.outbox.drainOnce();
    expect(await w.deliveries(id)).toMatchObject([
      { state: 'pending', last_error: expect.stringMatching(/^E_WEBHOOK_REDIRECT: 307 .*not followed/) },
    ]);
    expect(w.receiver.received).toHaveLength(1);
  });

  it('goes dead after MAIL_MAX_ATTEMPTS failures', async () => {
    w = await webhookFixture(dialect, (url) => ({ WEBHOOK_URLS: url, MAIL_MAX_ATTEMPTS: '2' }));
    w.receiver.replyNext(503, 503, 503);
    const id = await w.f.post();
    for (let i = 0; i < 3; i++) {
      await w.f.outbox.drainOnce();
      w.f.h.advance(MINUTE);
    }
    expect(await w.deliveries(id)).toMatchObject([
      { state: 'dead', attempts: 2, last_error: expect.stringMatching(/gave up after 2 tries.*E_WEBHOOK_HTTP: 503/) },
    ]);
    expect(w.receiver.received).toHaveLength(2);
  });

  it('keeps the delivery while the receiver is down and delivers it once it is back', async () => {
    w = await webhookFixture(dialect);
    await w.receiver.down();
    const id = await w.f.post();
    await w.f.outbox.drainOnce();
    w.f.h.advance(MINUTE);
    await w.f.outbox.drainOnce();
    expect(await w.deliveries(id)).toMatchObject([
      { state: 'pending', attempts: 2, last_error: expect.stringMatching(/^E_WEBHOOK_NETWORK: ECONNREFUSED/) },
    ]);
    await w.receiver.up();
    w.f.h.advance(MINUTE);
    await w.f.outbox.drainOnce();
    expect(await w.deliveries(id)).toMatchObject([{ state: 'sent', attempts: 3 }]);
    expect(w.receiver.received).toHaveLength(1);
    expect(w.receiver.received[0].verifyError).toBeUndefined();
  });

  it('sends no webhook for a lead caught as spam', async () => {
    w = await webhookFixture(dialect);
    const id = await w.f.post({ ...LEAD, website: 'https://spam.example' });
    await w.f.outbox.drainOnce();
    expect(await w.deliveries(id)).toEqual([]);
    expect(w.receiver.received).toHaveLength(0);
  });

  it('does not count webhooks against MAIL_PER_HOUR', async () => {
    w = await webhookFixture(dialect, (url) => ({ WEBHOOK_URLS: url, MAIL_PER_HOUR: '1' }));
    await w.f.post();
    await w.f.post({ ...LEAD, email: 'zwei@example.de' });
    await w.f.outbox.drainOnce();
    expect(w.f.peer.mails).toHaveLength(1);
    expect(w.receiver.received).toHaveLength(2);
  });
});
