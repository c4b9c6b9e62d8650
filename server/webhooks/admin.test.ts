import { afterEach, expect, it } from 'vitest';
import { admin, body, TOKEN } from '../testing/admin-harness.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { LEAD } from '../testing/outbox-fixture.ts';
import { type WebhookFixture, webhookFixture } from '../testing/webhook-fixture.ts';

const MINUTE = 60_000;

interface Detail {
  jobs: {
    id: string;
    kind: string;
    target: string | null;
    state: string;
    attempts: number;
    lastError: string | null;
    attemptLog: { ok: boolean }[];
  }[];
  audit: { action: string; detail: string | null }[];
}

describeEachDb('webhook deliveries in the admin API', (dialect) => {
  let w: WebhookFixture;
  afterEach(() => w.close());
  const start = (urls: (url: string) => string = (url) => url) =>
    webhookFixture(dialect, (url) => ({ WEBHOOK_URLS: urls(url), ADMIN_TOKEN: TOKEN }));
  const detail = async (id: string) => body<Detail>(await admin(w.f.h, `/leads/${id}`));
  const resend = (id: string, query = '') => admin(w.f.h, `/leads/${id}/resend${query}`, { method: 'POST' });

  it('shows each delivery with state, attempts and last error, and the target without its secret path', async () => {
    w = await start((url) => `${url}?token=geheim,slack:${url.replace('/hooks/crm', '/services/T000/B000/XXXX')}`);
    w.receiver.replyNext(500);
    const id = await w.f.post();
    await w.f.outbox.drainOnce();
    const res = await admin(w.f.h, `/leads/${id}`);
    expect(res.status).toBe(200);
    const text = await res.clone().text();
    const { jobs } = await body<Detail>(res);
    const hooks = jobs.filter((j) => j.kind === 'webhook.lead.created');
    const port = new URL(w.receiver.url).port;
    expect(hooks).toHaveLength(2);
    expect(hooks.map((j) => j.target).sort()).toEqual([
      expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:${port}/… #[0-9a-f]{8}$`)),
      expect.stringMatching(new RegExp(`^slack:http://127\\.0\\.0\\.1:${port}/… #[0-9a-f]{8}$`)),
    ]);
    expect(hooks.map((j) => j.state).sort()).toEqual(['pending', 'sent']);
    expect(hooks.find((j) => j.state === 'pending')).toMatchObject({
      attempts: 1,
      lastError: expect.stringMatching(/^E_WEBHOOK_HTTP: 500/),
      attemptLog: [{ ok: false }],
    });
    for (const secret of ['geheim', 'XXXX', '/hooks/crm', '/services/']) expect(text).not.toContain(secret);
  });

  it('resends a dead webhook with ?kind=webhook: same webhook-id, delivered, audited, the mail left alone', async () => {
    w = await start();
    w.receiver.replyNext(410);
    const id = await w.f.post();
    await w.f.outbox.drainOnce();
    expect((await detail(id)).jobs.find((j) => j.kind.startsWith('webhook.'))).toMatchObject({
      state: 'dead',
      lastError: expect.stringMatching(/^E_WEBHOOK_GONE/),
    });
    const res = await resend(id, '?kind=webhook');
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ queued: true });
    await w.f.outbox.drainOnce();
    const after = await detail(id);
    expect(after.jobs.find((j) => j.kind.startsWith('webhook.'))).toMatchObject({
      state: 'sent',
      attempts: 1,
      lastError: null,
    });
    expect(after.audit).toContainEqual(
      expect.objectContaining({ action: 'resend', detail: 'webhook.lead.created dead->pending' }),
    );
    const [first, second] = w.receiver.received;
    expect(second.verifyError).toBeUndefined();
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(w.f.peer.mails).toHaveLength(1);
  });

  it('resends one job by id with ?job=', async () => {
    w = await start();
    w.receiver.replyNext(410);
    const id = await w.f.post();
    await w.f.outbox.drainOnce();
    const hook = (await detail(id)).jobs.find((j) => j.kind.startsWith('webhook.'))!;
    expect((await resend(id, `?job=${hook.id}`)).status).toBe(202);
    await w.f.outbox.drainOnce();
    expect(await w.deliveries(id)).toMatchObject([{ id: hook.id, state: 'sent' }]);
    expect(w.receiver.received).toHaveLength(2);
  });

  it('answers 409 when nothing is dead or a delivery is still queued, 404 for a foreign job, 422 for an unknown kind', async () => {
    w = await start();
    await w.receiver.down();
    const id = await w.f.post();
    const other = await w.f.post({ ...LEAD, email: 'andere@example.de' });
    const none = await resend(id, '?kind=webhook');
    expect(none.status).toBe(409);
    expect(await none.json()).toMatchObject({ error: 'nothing_to_resend' });
    const pendingJob = (await w.deliveries(id))[0];
    expect(await (await resend(id, `?job=${pendingJob.id}`)).json()).toMatchObject({ error: 'delivery_in_progress' });
    expect((await resend(other, `?job=${pendingJob.id}`)).status).toBe(404);
    expect((await resend(id, '?kind=fax')).status).toBe(422);
    expect((await resend(id, '?kind=webhook&kind=webhook')).status).toBe(422);
  });

  it('keeps the plain resend about the notification mail', async () => {
    w = await start();
    const id = await w.f.post();
    await w.f.outbox.drainOnce();
    expect((await resend(id)).status).toBe(202);
    await w.f.outbox.drainOnce();
    expect(w.f.peer.mails).toHaveLength(2);
    expect(w.receiver.received).toHaveLength(1);
  });

  it('sends lead.updated on a status change (not on a note), signed, to webhooks but not to chat channels', async () => {
    const { startReceiver } = await import('../testing/webhook-receiver.ts');
    const chat = await startReceiver();
    try {
      w = await start((url) => `${url},slack:${chat.url}`);
      const id = await w.f.post();
      await w.f.outbox.drainOnce();
      w.f.h.advance(MINUTE);
      const patch = (p: unknown) => admin(w.f.h, `/leads/${id}`, { method: 'PATCH', body: JSON.stringify(p) });
      expect((await patch({ note: 'intern' })).status).toBe(200);
      expect((await patch({ status: 'contacted', assignee: 'Klaus' })).status).toBe(200);
      await w.f.outbox.drainOnce();
      expect(w.receiver.received).toHaveLength(2);
      const updated = w.receiver.received[1];
      expect(updated.verifyError).toBeUndefined();
      expect(updated.verified).toMatchObject({
        type: 'lead.updated',
        timestamp: w.f.h.deps.clock().toISOString(),
        data: { id, status: 'contacted' },
      });
      expect(updated.body).not.toContain('Klaus');
      expect(updated.body).not.toContain('intern');
      expect(chat.received).toHaveLength(1);
    } finally {
      await chat.close();
    }
  });

  it('erasing a lead removes its pending deliveries: nothing is sent once the receiver is back', async () => {
    w = await start();
    await w.receiver.down();
    const id = await w.f.post();
    await w.f.outbox.drainOnce();
    expect(await w.deliveries(id)).toMatchObject([{ state: 'pending', attempts: 1 }]);
    expect((await admin(w.f.h, `/leads/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect(await w.deliveries(id)).toEqual([]);
    const db = w.f.h.testDb.db.kysely;
    expect(await db.selectFrom('job_attempts').select('id').where('lead_id', '=', id).execute()).toEqual([]);
    await w.receiver.up();
    w.f.h.advance(60 * MINUTE);
    expect(await w.f.outbox.drainOnce()).toBe(0);
    expect(w.receiver.received).toHaveLength(0);
  });
});
