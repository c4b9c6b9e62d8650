import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { connect } from './db/connect.ts';
import { migrate } from './db/migrate.ts';
import { type OutboxThreadOptions, startOutboxThread } from './start-outbox-thread.ts';
import { JOB_KINDS } from './store/job-kinds.ts';
import { insertLead } from './store/leads.ts';
import { type SmtpPeer, startSmtpPeer } from './testing/smtp-peer.ts';
import { SCHED_IDLE, SCHED_OTHER, threadNice, threadPolicy } from './testing/thread-sched.ts';
import { until } from './testing/until.ts';

const lead = { name: 'Anna Berg', email: 'anna@example.de', message: 'Bitte um Rückruf.', locale: 'de' as const };

/** A logger whose lines the test reads. */
function capturedLogger() {
  const lines: { msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

async function storeLead(dataDir: string) {
  const db = connect(`sqlite:${join(dataDir, 'leads.db')}`);
  await migrate(db);
  const stored = await insertLead(db, () => new Date(), lead, [{ kind: JOB_KINDS.notification }]);
  await db.kysely.destroy();
  return stored.id;
}

describe('the outbox thread', () => {
  let peer: SmtpPeer;
  afterAll(async () => peer?.close());

  const env = (dataDir: string, smtpUrl: string): OutboxThreadOptions['env'] => ({
    DATA_DIR: dataDir,
    SMTP_URL: smtpUrl,
    MAIL_FROM: 'Leads <leads@kunde.de>',
    SALES_INBOX: 'vertrieb@kunde.de',
    LOG_LEVEL: 'silent',
  });

  it('mails a stored lead from its own thread and reports the outcome to the request thread', {
    timeout: 30_000,
  }, async () => {
    peer = await startSmtpPeer();
    const dir = mkdtempSync(join(tmpdir(), 'bl-thread-'));
    const id = await storeLead(dir);
    const outcomes: string[] = [];
    const { logger } = capturedLogger();
    const outbox = startOutboxThread({
      logger,
      env: env(dir, peer.url),
      onOutcome: (kind, outcome) => outcomes.push(`${kind} ${outcome}`),
    });
    outbox.start();
    outbox.wake();
    // The thread runs below the request thread in the scheduler, which keeps its own priority.
    const niced = () => readdirSync('/proc/self/task').find((t) => threadNice(t) === 10);
    await until(() => niced() !== undefined, 10_000, 'a thread at nice 10');
    expect(threadNice(process.pid)).toBe(0);
    // ...and under the idle policy, which a waking request thread preempts at once.
    const outboxTask = niced()!;
    await until(() => threadPolicy(outboxTask) === SCHED_IDLE, 5000, 'SCHED_IDLE');
    const [mail] = await peer.waitFor(1, 20_000);
    expect(mail.parsed.messageId).toBe(`<lead-${id}@kunde.de>`);
    await until(() => outcomes.length > 0, 5000, 'the outcome message');
    expect(outcomes).toEqual(['mail.notification sent']);
    await outbox.stop();
  });

  it('starts again after its thread died, and then mails what waited', { timeout: 30_000 }, async () => {
    peer ??= await startSmtpPeer();
    const dir = mkdtempSync(join(tmpdir(), 'bl-thread-dead-'));
    // A folder where the database file should be: the thread cannot open it and dies at start.
    mkdirSync(join(dir, 'leads.db'));
    const { logger, lines } = capturedLogger();
    const outbox = startOutboxThread({ logger, env: env(dir, peer.url) });
    outbox.start();
    const restarts = () => lines.filter((l) => l.msg.startsWith('outbox thread exited')).length;
    await until(() => restarts() >= 2, 15_000, 'two restarts');
    // Stopped between two lives of its thread, an outbox has nothing to wait for.
    const second = capturedLogger();
    const dying = startOutboxThread({ logger: second.logger, env: env(dir, peer.url) });
    await until(() => second.lines.some((l) => l.msg.startsWith('outbox thread exited')), 10_000, 'its first death');
    const stoppedAt = Date.now();
    await dying.stop();
    expect(Date.now() - stoppedAt).toBeLessThan(1000);
    const before = peer.mails.length;
    rmSync(join(dir, 'leads.db'), { recursive: true });
    const id = await storeLead(dir);
    await until(
      () => peer.mails.slice(before).some((m) => m.parsed.messageId === `<lead-${id}@kunde.de>`),
      15_000,
      'the mail after the restart',
    );
    await outbox.stop();
  });

  it('claims nothing, gets no wake and stays under the idle policy while it yields, and mails the lead after', {
    timeout: 30_000,
  }, async () => {
    peer ??= await startSmtpPeer();
    const dir = mkdtempSync(join(tmpdir(), 'bl-thread-yield-'));
    const id = await storeLead(dir);
    const before = peer.mails.length;
    const tasks = new Set(readdirSync('/proc/self/task'));
    const outbox = startOutboxThread({ logger: capturedLogger().logger, env: env(dir, peer.url) });
    await outbox.ready;
    outbox.setYielding(true);
    outbox.start();
    const posted = vi.spyOn(Worker.prototype, 'postMessage');
    outbox.wake();
    await new Promise((r) => setTimeout(r, 2500));
    expect(peer.mails.length).toBe(before);
    // A burst sends no wakes, yet it is visitors: the thread stays under the idle policy past the quiet second.
    const task = readdirSync('/proc/self/task').find((t) => !tasks.has(t) && threadNice(t) === 10)!;
    expect(threadPolicy(task)).toBe(SCHED_IDLE);
    // Under a burst every turn of the event loop stores leads: none of them costs a message to a thread that waits.
    expect(posted.mock.calls.map(([msg]) => (msg as { type: string }).type)).not.toContain('wake');
    posted.mockRestore();
    outbox.setYielding(false);
    await until(
      () => peer.mails.slice(before).some((m) => m.parsed.messageId === `<lead-${id}@kunde.de>`),
      15_000,
      'the mail',
    );
    await outbox.stop();
  });

  it('leaves the idle policy for the normal one at nice 10 once no lead came for a second, and takes it at the next', {
    timeout: 30_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-thread-quiet-'));
    await storeLead(dir);
    const before = new Set(readdirSync('/proc/self/task'));
    const outbox = startOutboxThread({ logger: capturedLogger().logger, env: env(dir, 'smtp://127.0.0.1:9') });
    await outbox.ready;
    const task = readdirSync('/proc/self/task').find((t) => !before.has(t) && threadNice(t) === 10)!;
    expect(threadPolicy(task)).toBe(SCHED_IDLE);
    // No visitor: the mail should not wait behind every other process on the machine.
    await until(() => threadPolicy(task) === SCHED_OTHER, 5000, 'SCHED_OTHER after a quiet second');
    expect(threadNice(task)).toBe(10);
    // A stored lead wakes the outbox, and a visitor is back: below every thread that answers one.
    outbox.wake();
    await until(() => threadPolicy(task) === SCHED_IDLE, 2000, 'SCHED_IDLE at the next lead');
    await outbox.stop();
  });
});
