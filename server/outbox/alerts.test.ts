import { afterEach, expect, it } from 'vitest';
import { JOB_KINDS } from '../store/job-kinds.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { HOUR, LEAD, type OutboxFixture, outboxFixture } from '../testing/outbox-fixture.ts';

const ENV = { ALERT_INBOX: 'ops@beratung.example, admin@beratung.example' };

describeEachDb('alert when a sales notification goes dead', (dialect) => {
  let f: OutboxFixture;
  afterEach(() => f.close());

  const alerts = () => f.peer.mails.filter((m) => m.envelope.to.includes('ops@beratung.example'));
  const stats = async () => {
    const res = await f.h.app.request('/api/admin/stats', { headers: { Authorization: `Bearer ${'a'.repeat(40)}` } });
    return ((await res.json()) as { mail: { dead: number } }).mail.dead;
  };

  it('mails ALERT_INBOX once after a 550, not again for a second dead notification within the hour, and again after it', async () => {
    f = await outboxFixture(dialect, { ...ENV, ADMIN_TOKEN: 'a'.repeat(40) });
    f.peer.failNext(550, 1, '5.1.1 <vertrieb@beratung.example>: mailbox unavailable');
    const first = await f.post();
    await f.outbox.drainOnce();
    expect((await f.job(first)).state).toBe('dead');
    await f.peer.waitFor(1);
    expect(alerts()).toHaveLength(1);
    const [alert] = alerts();
    expect(alert.envelope.to).toEqual(['ops@beratung.example', 'admin@beratung.example']);
    expect(alert.parsed.subject).toBe(
      'Beraten lassen: 1 Benachrichtigung(en) nicht zustellbar / notification(s) undeliverable',
    );
    expect(alert.parsed.text).toContain(`Lead ${first}  https://leads.beratung.example/api/admin/leads/${first}`);
    // Stored errors are masked like log lines, so the alert quotes the reply with the address masked.
    expect(alert.parsed.text).toContain('E_SMTP_PERMANENT: 550 5.1.1 <v***@beratung.example>: mailbox unavailable');
    expect(alert.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    // Ops mail names leads by id only: no visitor data in it.
    const raw = alert.raw.toString('latin1');
    for (const visitor of ['juergen@example.de', 'Rechnungen', 'rgen Gr']) expect(raw).not.toContain(visitor);
    expect(await stats()).toBe(1);

    f.h.advance(30 * 60_000);
    f.peer.failNext(550);
    const second = await f.post({ ...LEAD, email: 'zweite@example.de' });
    await f.outbox.drainOnce();
    expect((await f.job(second)).state).toBe('dead');
    expect(alerts()).toHaveLength(1);
    expect(await stats()).toBe(2);
    const queued = await f.h.testDb.db.kysely
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', JOB_KINDS.alert)
      .execute();
    expect(queued).toHaveLength(1);

    f.h.advance(HOUR);
    f.peer.failNext(550);
    await f.post({ ...LEAD, email: 'dritte@example.de' });
    await f.outbox.drainOnce();
    await f.peer.waitFor(2);
    expect(alerts()).toHaveLength(2);
    expect(alerts()[1].parsed.subject).toContain(': 3 Benachrichtigung(en)');
  });

  it('sends no alert without ALERT_INBOX and none for a notification that is only retried', async () => {
    f = await outboxFixture(dialect);
    f.peer.failNext(550);
    const id = await f.post();
    await f.outbox.drainOnce();
    expect((await f.job(id)).state).toBe('dead');
    expect(
      await f.h.testDb.db.kysely.selectFrom('jobs').select('id').where('kind', '=', JOB_KINDS.alert).execute(),
    ).toEqual([]);

    const g = await outboxFixture(dialect, ENV);
    try {
      g.peer.failNext(451);
      const retried = await g.post();
      await g.outbox.drainOnce();
      expect((await g.job(retried)).state).toBe('pending');
      expect(g.peer.mails).toEqual([]);
    } finally {
      await g.close();
    }
  });
});
