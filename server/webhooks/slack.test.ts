import { afterEach, describe, expect, it } from 'vitest';
import { describeEachDb } from '../testing/each-db.ts';
import { LEAD } from '../testing/outbox-fixture.ts';
import { type WebhookFixture, webhookFixture } from '../testing/webhook-fixture.ts';
import type { WebhookPayload } from './payload.ts';
import { slackMessage } from './slack.ts';

describeEachDb('slack: targets', (dialect) => {
  let w: WebhookFixture;
  afterEach(() => w.close());

  it('posts {text} with topic, company, name and an admin link, and never the message or contact details', async () => {
    w = await webhookFixture(dialect, (url) => ({ WEBHOOK_URLS: `slack:${url}` }));
    const id = await w.f.post({ ...LEAD, company: '<!channel> & Co', phone: '+49 171 5550000' });
    await w.f.outbox.drainOnce();
    expect(await w.deliveries(id)).toMatchObject([{ state: 'sent', target: `slack:${w.receiver.url}` }]);
    const [got] = w.receiver.received;
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['webhook-signature']).toBeUndefined();
    const sent = JSON.parse(got.body) as Record<string, unknown>;
    expect(Object.keys(sent)).toEqual(['text']);
    expect(sent.text).toBe(
      `Neue Anfrage: *KI-Strategie* von &lt;!channel&gt; &amp; Co – Jürgen ` +
        `Größe\n<https://leads.beratung.example/api/admin/leads/${id}|Anfrage im Admin-API öffnen>`,
    );
    for (const secret of ['Rechnungen', 'Januar', LEAD.email, '5550000']) expect(got.body).not.toContain(secret);
  });
});

describe('slack message', () => {
  const payload = (data: Partial<WebhookPayload['data']>, type: WebhookPayload['type'] = 'lead.created') =>
    ({
      type,
      timestamp: '2026-11-28T10:00:00.000Z',
      data: { id: 'L1', name: 'A', company: null, topic: null, status: 'new', ...data },
    }) as WebhookPayload;

  it('keeps each field on one line, clipped, and leaves the link out without PUBLIC_URL', () => {
    const { text } = slackMessage(payload({ name: `Eva\n*Fake* line\u2028more ${'x'.repeat(300)}` }), undefined);
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toMatch(/^Neue Anfrage: \*ohne Thema\* von Eva \*Fake\* line more x+$/);
    expect(text.length).toBeLessThan(200);
  });

  it('names the new status of an updated lead', () => {
    expect(slackMessage(payload({ topic: 'Cloud', status: 'won' }, 'lead.updated'), 'https://x.example/').text).toBe(
      'Anfrage *Cloud* jetzt im Status „won“ von A\n<https://x.example/api/admin/leads/L1|Anfrage im Admin-API öffnen>',
    );
  });
});
