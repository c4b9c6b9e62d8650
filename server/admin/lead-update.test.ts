import { afterAll, beforeAll, expect, it } from 'vitest';
import { admin, body, seedLead, TOKEN } from '../testing/admin-harness.ts';
import { type Harness, makeHarness } from '../testing/app-harness.ts';
import { describeEachDb } from '../testing/each-db.ts';

describeEachDb('admin PATCH and resend', (dialect) => {
  let h: Harness;
  const woken: string[] = [];
  beforeAll(async () => {
    h = await makeHarness(dialect, { ADMIN_TOKEN: TOKEN }, { wakeOutbox: (id) => woken.push(id) });
  });
  afterAll(() => h.close());

  const patch = (id: string, payload: unknown, headers: Record<string, string> = {}) =>
    admin(h, `/leads/${id}`, { method: 'PATCH', body: JSON.stringify(payload), headers });
  const auditOf = (id: string) =>
    h.deps.db.kysely
      .selectFrom('audit_log')
      .select(['at', 'action', 'detail'])
      .where('lead_id', '=', id)
      .orderBy('at')
      .orderBy('id')
      .execute();
  const jobOf = (id: string) =>
    h.deps.db.kysely.selectFrom('jobs').selectAll().where('lead_id', '=', id).executeTakeFirstOrThrow();

  it('changes status, note and assignee and records each change with its time, without personal data', async () => {
    const id = await seedLead(h, { name: 'Petra Patch', email: 'petra@example.de' });
    h.advance(60_000);
    const res = await patch(id, {
      status: 'contacted',
      note: 'Rückruf bei Petra unter 0171 555',
      assignee: 'Klaus Vertrieb',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id,
      status: 'contacted',
      note: 'Rückruf bei Petra unter 0171 555',
      assignee: 'Klaus Vertrieb',
      updatedAt: '2026-11-28T10:01:01.000Z',
    });
    h.advance(60_000);
    await patch(id, { status: 'won', note: null });
    const audit = await auditOf(id);
    expect(audit).toEqual([
      { at: '2026-11-28T10:01:01.000Z', action: 'status', detail: 'new->contacted' },
      { at: '2026-11-28T10:01:01.000Z', action: 'note', detail: 'set' },
      { at: '2026-11-28T10:01:01.000Z', action: 'assignee', detail: 'set' },
      { at: '2026-11-28T10:02:01.000Z', action: 'status', detail: 'contacted->won' },
      { at: '2026-11-28T10:02:01.000Z', action: 'note', detail: 'cleared' },
    ]);
    const text = JSON.stringify(audit).toLowerCase();
    for (const personal of ['petra', '0171', 'klaus', 'rückruf', 'example.de']) expect(text).not.toContain(personal);
  });

  it('records nothing when nothing changes', async () => {
    const id = await seedLead(h);
    expect((await patch(id, { status: 'new' })).status).toBe(200);
    expect(await auditOf(id)).toEqual([]);
  });

  it('refuses unknown keys, bad statuses and empty bodies with 422 in the validation shape', async () => {
    const id = await seedLead(h);
    const unknown = await patch(id, { status: 'won', email: 'x@y.de' });
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toEqual({
      error: 'validation',
      issues: [{ path: 'email', code: 'unknown_field', message: 'Unknown field "email".' }],
    });
    const bad = await body<{ issues: { path: string }[] }>(await patch(id, { status: 'gewonnen' }));
    expect(bad.issues[0].path).toBe('status');
    expect((await patch(id, {})).status).toBe(422);
    expect((await patch(id, { note: 'x'.repeat(5001) })).status).toBe(422);
    expect(
      (await h.deps.db.kysely.selectFrom('leads').select('status').where('id', '=', id).executeTakeFirstOrThrow())
        .status,
    ).toBe('new');
  });

  it('answers 415 to a non-JSON body, 400 to broken JSON and 404 to an unknown lead', async () => {
    const id = await seedLead(h);
    expect((await patch(id, { status: 'won' }, { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await admin(h, `/leads/${id}`, { method: 'PATCH', body: '{"status":' })).status).toBe(400);
    expect((await patch('0190f0f0-0000-7000-8000-000000000000', { status: 'won' })).status).toBe(404);
  });

  it('re-queues a dead notification with fresh attempts and no lease, and wakes the worker', async () => {
    const id = await seedLead(h);
    const job = await jobOf(id);
    // The worker gave up: what it leaves behind for a permanent SMTP failure.
    await h.deps.db.kysely
      .updateTable('jobs')
      .set({
        state: 'dead',
        attempts: 10,
        last_error: '550 mailbox unavailable',
        lease_until: '2026-11-28T11:00:00.000Z',
        next_attempt_at: '2030-01-01T00:00:00.000Z',
      })
      .where('id', '=', job.id)
      .execute();
    h.advance(5000);
    const res = await admin(h, `/leads/${id}/resend`, { method: 'POST' });
    expect(res.status).toBe(202);
    const after = await jobOf(id);
    expect(after).toMatchObject({
      id: job.id,
      state: 'pending',
      lease_until: null,
      next_attempt_at: h.deps.clock().toISOString(),
    });
    expect(Number(after.attempts)).toBe(0);
    expect(woken).toContain(id);
    expect((await auditOf(id)).map((a) => [a.action, a.detail])).toEqual([['resend', 'dead->pending']]);
  });

  it('answers 409 while a send is pending or in progress', async () => {
    const id = await seedLead(h);
    expect((await admin(h, `/leads/${id}/resend`, { method: 'POST' })).status).toBe(409);
    await h.deps.db.kysely.updateTable('jobs').set({ state: 'sending' }).where('lead_id', '=', id).execute();
    const res = await admin(h, `/leads/${id}/resend`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: 'mail_in_progress' });
    expect((await jobOf(id)).state).toBe('sending');
  });

  it('queues a notification for a lead that never had one', async () => {
    const id = await seedLead(h, { status: 'spam' });
    await h.deps.db.kysely.deleteFrom('jobs').where('lead_id', '=', id).execute();
    expect((await admin(h, `/leads/${id}/resend`, { method: 'POST' })).status).toBe(202);
    expect(await jobOf(id)).toMatchObject({ kind: 'mail.notification', state: 'pending' });
  });
});
