import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../testing/server-process.ts';
import { type SmtpPeer, startSmtpPeer } from '../testing/smtp-peer.ts';
import { until } from '../testing/until.ts';
import { HEARTBEAT_LEASE_MS } from './heartbeat.ts';

describe('two server processes on one SQLite file', () => {
  let peer: SmtpPeer | undefined;
  const procs: ServerProcess[] = [];
  afterAll(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    await peer?.close();
  });

  it('never send a mail twice, even when one send outlasts the lease its heartbeat keeps renewing', {
    timeout: 120_000,
  }, async () => {
    peer = await startSmtpPeer();
    const env = {
      DATA_DIR: mkdtempSync(join(tmpdir(), 'bl-two-')),
      SMTP_URL: peer.url,
      MAIL_FROM: 'Leads <leads@kunde.de>',
      SALES_INBOX: 'vertrieb@kunde.de',
      MIN_FILL_SECONDS: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_PER_DAY: '0',
      // A held reply must not time out the socket: the point is a send longer than the lease.
      SMTP_SOCKET_TIMEOUT_MS: '60000',
    };
    procs.push(await startServerProcess(env));
    procs.push(await startServerProcess(env));
    const post = async (p: ServerProcess, i: number) => {
      const res = await fetch(`${p.url}/api/leads`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `two-procs-${i}` },
        body: JSON.stringify({ name: `Kunde ${i}`, email: `k${i}@example.de`, message: 'Bitte um Rückruf.' }),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const held = peer.holdNext();
    const acked = [await post(procs[0], 0)];
    await held.arrived;
    const heldSince = Date.now();
    for (let i = 1; i <= 20; i++) acked.push(await post(procs[i % 2], i));
    // Outlast the lease: without a heartbeat the other process would claim the held job and send it again.
    await new Promise((r) => setTimeout(r, HEARTBEAT_LEASE_MS + 8000 - (Date.now() - heldSince)));
    held.release();
    const ids = () => peer!.mails.map((m) => m.parsed.messageId);
    await until(() => acked.every((id) => ids().includes(`<lead-${id}@kunde.de>`)), 30_000, 'every lead mailed');
    await new Promise((r) => setTimeout(r, 2000));
    const duplicates = ids().length - new Set(ids()).size;
    console.log(
      JSON.stringify({
        twoProcesses: {
          acknowledged: acked.length,
          mailed: new Set(ids()).size,
          duplicates,
          heldMs: Date.now() - heldSince,
        },
      }),
    );
    expect(duplicates).toBe(0);
    for (const p of procs) p.child.kill('SIGTERM');
    expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0]);
  });
});
