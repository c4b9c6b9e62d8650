import { afterEach, describe, expect, it } from 'vitest';
import { describeEachDb } from '../testing/each-db.ts';
import { HOUR, type OutboxFixture, outboxFixture } from '../testing/outbox-fixture.ts';

const MINUTE = 60_000;

describeEachDb('outbox worker over a real SMTP peer', (dialect) => {
  let f: OutboxFixture;
  afterEach(() => f.close());

  it('sends the mail of a stored lead once, woken by the lead rather than a poll', async () => {
    f = await outboxFixture(dialect, {}, { pollMs: 10 * MINUTE });
    f.outbox.start();
    const id = await f.post();
    await f.peer.waitFor(1);
    await f.outbox.stop();
    const job = await f.job(id);
    expect(job).toMatchObject({ state: 'sent', attempts: 1, last_error: null });
    expect(job.sent_at).toBeTruthy();
    expect(await f.attempts(job.id)).toEqual([{ ok: 1, error: null }]);
    expect(f.peer.mails).toHaveLength(1);
    expect(f.peer.mails[0].envelope).toEqual({ from: 'leads@beratung.example', to: ['vertrieb@beratung.example'] });
  });

  it('retries 421 and 451 replies with backoff and delivers once', async () => {
    f = await outboxFixture(dialect);
    f.peer.failNext(421);
    f.peer.failNext(451);
    const id = await f.post();
    expect(await f.outbox.drainOnce()).toBe(1);
    expect(await f.job(id)).toMatchObject({
      state: 'pending',
      attempts: 1,
      last_error: expect.stringMatching(/^E_SMTP_TEMPORARY: .*421/),
    });
    // Not due yet: the backoff holds it back.
    expect(await f.outbox.drainOnce()).toBe(0);
    f.h.advance(MINUTE);
    await f.outbox.drainOnce();
    expect(await f.job(id)).toMatchObject({ state: 'pending', attempts: 2, last_error: expect.stringMatching(/451/) });
    f.h.advance(MINUTE);
    await f.outbox.drainOnce();
    const job = await f.job(id);
    expect(job).toMatchObject({ state: 'sent', attempts: 3, last_error: null });
    expect((await f.attempts(job.id)).map((a) => a.ok)).toEqual([0, 0, 1]);
    expect(f.peer.mails).toHaveLength(1);
  });

  it('marks a 550 reply dead at once, keeps the error and delivers nothing', async () => {
    f = await outboxFixture(dialect);
    f.peer.failNext(550, 1, 'mailbox unavailable');
    const id = await f.post();
    await f.outbox.drainOnce();
    f.h.advance(HOUR);
    expect(await f.outbox.drainOnce()).toBe(0);
    expect(await f.job(id)).toMatchObject({
      state: 'dead',
      attempts: 1,
      last_error: expect.stringMatching(/^E_SMTP_PERMANENT: 550 .*mailbox unavailable/),
    });
    expect(f.peer.mails).toHaveLength(0);
  });

  it('gives up after MAIL_MAX_ATTEMPTS temporary failures', async () => {
    f = await outboxFixture(dialect, { MAIL_MAX_ATTEMPTS: '3' });
    f.peer.failNext(451, 5);
    const id = await f.post();
    for (let i = 0; i < 5; i++) {
      await f.outbox.drainOnce();
      f.h.advance(HOUR);
    }
    const job = await f.job(id);
    expect(job).toMatchObject({
      state: 'dead',
      attempts: 3,
      last_error: expect.stringMatching(/^E_TOO_MANY_TRIES: .*451/),
    });
    expect(await f.attempts(job.id)).toHaveLength(3);
    expect(f.peer.mails).toHaveLength(0);
  });

  it('keeps the mail while the SMTP server is down and delivers it once it is back', async () => {
    f = await outboxFixture(dialect);
    await f.peer.down();
    const id = await f.post();
    await f.outbox.drainOnce();
    f.h.advance(MINUTE);
    await f.outbox.drainOnce();
    expect(await f.job(id)).toMatchObject({
      state: 'pending',
      attempts: 2,
      last_error: expect.stringMatching(/^E_SMTP_NETWORK: /),
    });
    await f.peer.up();
    f.h.advance(MINUTE);
    await f.outbox.drainOnce();
    expect(await f.job(id)).toMatchObject({ state: 'sent', attempts: 3 });
    expect(f.peer.mails).toHaveLength(1);
  });

  it('resends after a connection dropped without a reply; the duplicate carries the same Message-ID', async () => {
    f = await outboxFixture(dialect);
    f.peer.dropNext();
    const id = await f.post();
    await f.outbox.drainOnce();
    expect(await f.job(id)).toMatchObject({ state: 'pending', last_error: expect.stringMatching(/^E_SMTP_NETWORK: /) });
    f.h.advance(MINUTE);
    await f.outbox.drainOnce();
    expect(await f.job(id)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(f.peer.mails).toHaveLength(2);
    expect(f.peer.mails.map((m) => m.parsed.messageId)).toEqual([
      `<lead-${id}@beratung.example>`,
      `<lead-${id}@beratung.example>`,
    ]);
  });

  it('claims and sends a job whose worker died, but not one whose lease is still live', async () => {
    f = await outboxFixture(dialect);
    const db = f.h.testDb.db.kysely;
    const now = f.h.deps.clock().getTime();
    const died = await f.post();
    const busy = await f.post();
    const lease = (leadId: string, until: number) =>
      db
        .updateTable('jobs')
        .set({ state: 'sending', attempts: 1, lease_until: new Date(until).toISOString() })
        .where('lead_id', '=', leadId)
        .execute();
    await lease(died, now - 1);
    await lease(busy, now + 5 * MINUTE);
    expect(await f.outbox.drainOnce()).toBe(1);
    expect(await f.job(died)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(await f.job(busy)).toMatchObject({ state: 'sending', attempts: 1 });
    expect(f.peer.mails).toHaveLength(1);
    f.h.advance(5 * MINUTE);
    await f.outbox.drainOnce();
    expect(await f.job(busy)).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('finds work nobody woke it for on its next poll, such as a job whose lease ran out', async () => {
    f = await outboxFixture(dialect, {}, { pollMs: 50 });
    const id = await f.post();
    const job = f.h.testDb.db.kysely.updateTable('jobs').where('lead_id', '=', id);
    await job
      .set({ state: 'sending', attempts: 1, lease_until: new Date(f.h.deps.clock().getTime() + MINUTE).toISOString() })
      .execute();
    f.outbox.start();
    await job.set({ lease_until: new Date(f.h.deps.clock().getTime() - 1).toISOString() }).execute();
    await f.peer.waitFor(1);
    await f.outbox.stop();
    expect(await f.job(id)).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('holds mail over MAIL_PER_HOUR back and sends it when the hour has passed', async () => {
    f = await outboxFixture(dialect, { MAIL_PER_HOUR: '2' });
    const ids = [await f.post(), await f.post(), await f.post()];
    expect(await f.outbox.drainOnce()).toBe(2);
    expect(await f.outbox.drainOnce()).toBe(0);
    expect(f.peer.mails).toHaveLength(2);
    const states = await Promise.all(ids.map(async (id) => (await f.job(id)).state));
    expect(states.sort()).toEqual(['pending', 'sent', 'sent']);
    f.h.advance(HOUR + 1000);
    expect(await f.outbox.drainOnce()).toBe(1);
    expect(f.peer.mails).toHaveLength(3);
  });

  it('gives a place under a full MAIL_PER_HOUR back when its send fails: the retry waits for its backoff only', async () => {
    f = await outboxFixture(dialect, { MAIL_PER_HOUR: '2' });
    await f.post();
    expect(await f.outbox.drainOnce()).toBe(1);
    f.peer.failNext(451);
    const id = await f.post();
    expect(await f.outbox.drainOnce()).toBe(1);
    expect(await f.job(id)).toMatchObject({ state: 'pending', attempts: 1 });
    f.h.advance(MINUTE);
    expect(await f.outbox.drainOnce()).toBe(1);
    expect(await f.job(id)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(f.peer.mails).toHaveLength(2);
  });

  it('stop() lets the send in flight finish and claims nothing after', async () => {
    f = await outboxFixture(dialect, {}, { pollMs: 10 * MINUTE });
    const hold = f.peer.holdNext();
    f.outbox.start();
    const first = await f.post();
    await hold.arrived;
    let stopped = false;
    const stopping = f.outbox.stop().then(() => (stopped = true));
    const second = await f.post();
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    hold.release();
    await stopping;
    expect(await f.job(first)).toMatchObject({ state: 'sent' });
    expect(await f.job(second)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(f.peer.mails).toHaveLength(1);
  });

  it('hands the jobs it claimed ahead of a free slot back on stop(), as if never claimed', async () => {
    f = await outboxFixture(dialect, {}, { pollMs: 10 * MINUTE, concurrency: 1 });
    const ids = [await f.post(), await f.post(), await f.post()];
    const hold = f.peer.holdNext();
    f.outbox.start();
    await hold.arrived;
    // One claim took all three; one is sending, two wait for the slot.
    const claimed = await Promise.all(ids.map(async (id) => (await f.job(id)).state));
    expect(claimed).toEqual(['sending', 'sending', 'sending']);
    const stopping = f.outbox.stop();
    hold.release();
    await stopping;
    expect(f.peer.mails).toHaveLength(1);
    const after = await f.h.deps.db.kysely.selectFrom('jobs').select(['state', 'attempts', 'lease_until']).execute();
    expect(after.filter((job) => job.state === 'sent')).toHaveLength(1);
    expect(after.filter((job) => job.state === 'pending')).toEqual([
      { state: 'pending', attempts: 0, lease_until: null },
      { state: 'pending', attempts: 0, lease_until: null },
    ]);
  });

  it('while yielding to a burst, finishes the send under way, starts nothing new, and sends on once told', async () => {
    f = await outboxFixture(dialect, {}, { pollMs: 200 });
    const hold = f.peer.holdNext();
    f.outbox.start();
    const first = await f.post();
    await hold.arrived;
    f.outbox.setYielding(true);
    const second = await f.post();
    hold.release();
    await f.peer.waitFor(1);
    // Woken by the lead and given five polls' time, it still claimed nothing.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await f.job(first)).toMatchObject({ state: 'sent' });
    expect(await f.job(second)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(f.peer.mails).toHaveLength(1);
    f.outbox.setYielding(false);
    await f.peer.waitFor(2);
    await f.outbox.stop();
    expect(await f.job(second)).toMatchObject({ state: 'sent', attempts: 1 });
  });
});

describe('outbox worker against a server that never answers', () => {
  let f: OutboxFixture;
  afterEach(() => f.close());

  it('gives up on the send after SMTP_SOCKET_TIMEOUT_MS instead of hanging, and retries it later', async () => {
    f = await outboxFixture('sqlite', { SMTP_SOCKET_TIMEOUT_MS: '1000' });
    const hold = f.peer.holdNext();
    const id = await f.post();
    await f.outbox.drainOnce();
    expect(await f.job(id)).toMatchObject({
      state: 'pending',
      attempts: 1,
      last_error: expect.stringMatching(/^E_SMTP_NETWORK: ETIMEDOUT/),
    });
    hold.release();
    f.h.advance(MINUTE);
    await f.outbox.drainOnce();
    expect(await f.job(id)).toMatchObject({ state: 'sent', attempts: 2 });
  });
});
