import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { postStream } from './testing/post-stream.ts';
import { type ServerProcess, startServerProcess } from './testing/server-process.ts';
import { type SmtpPeer, startSmtpPeer } from './testing/smtp-peer.ts';
import { until } from './testing/until.ts';

describe('crash safety', () => {
  let peer: SmtpPeer | undefined;
  let proc: ServerProcess | undefined;
  afterAll(async () => {
    proc?.child.kill('SIGKILL');
    await peer?.close();
  });

  it('keeps every acknowledged lead through a SIGKILL and mails each within 60 s of the restart', {
    timeout: 120_000,
  }, async () => {
    peer = await startSmtpPeer();
    const dir = mkdtempSync(join(tmpdir(), 'bl-crash-'));
    const env = {
      DATA_DIR: dir,
      SMTP_URL: peer.url,
      MAIL_FROM: 'Leads <leads@kunde.de>',
      SALES_INBOX: 'vertrieb@kunde.de',
      MIN_FILL_SECONDS: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_PER_DAY: '0',
      // The shortest timeouts give the shortest lease, so jobs the dead worker held are taken over sooner.
      SMTP_CONNECT_TIMEOUT_MS: '1000',
      SMTP_SOCKET_TIMEOUT_MS: '1000',
    };
    proc = await startServerProcess(env);
    const url = proc.url;

    const posts = postStream(url, 8);
    const { acked } = posts;
    await until(() => acked.length >= 150, 60_000, '150 acknowledged leads');
    proc.child.kill('SIGKILL');
    expect(await proc.exited).toBe('SIGKILL');
    await posts.stop();

    // Straight from the file the killed process left behind.
    const sqlite = new Database(join(dir, 'leads.db'));
    const stored = new Set((sqlite.prepare('select id from leads').all() as { id: string }[]).map((r) => r.id));
    const jobs = new Set(
      (sqlite.prepare("select lead_id from jobs where kind = 'mail.notification'").all() as { lead_id: string }[]).map(
        (r) => r.lead_id,
      ),
    );
    sqlite.close();
    const lost = acked.filter((id) => !stored.has(id) || !jobs.has(id));
    expect(lost).toEqual([]);

    proc = await startServerProcess(env);
    const restartedAt = Date.now();
    const mailed = () => new Set(peer!.mails.map((m) => m.parsed.messageId));
    // The dead worker's claims run out with their short lease (no heartbeat renews them), well within a minute.
    await until(
      () => acked.every((id) => mailed().has(`<lead-${id}@kunde.de>`)),
      60_000,
      'a mail for every acknowledged lead within 60 s of the restart',
    );
    const ids = peer.mails.map((m) => m.parsed.messageId);
    console.log(
      JSON.stringify({
        sigkill: {
          acknowledged: acked.length,
          stored: acked.length - lost.length,
          mailed: acked.filter((id) => mailed().has(`<lead-${id}@kunde.de>`)).length,
          duplicates: ids.length - new Set(ids).size,
          allMailedAfterRestartMs: Date.now() - restartedAt,
        },
      }),
    );
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });
});
