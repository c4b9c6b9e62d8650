import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../testing/server-process.ts';
import { type SmtpPeer, startSmtpPeer } from '../testing/smtp-peer.ts';
import { until } from '../testing/until.ts';

function tryRun(cmd: string, args: string[]): string | undefined {
  try {
    execFileSync(cmd, args, { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `${cmd} ${args.join(' ')} failed: ${(err as Error).message.split('\n')[0]}`;
  }
}

// A real full disk needs root to mount a small tmpfs; under CI=true a missing capability fails instead of skipping.
const probeDir = mkdtempSync(join(tmpdir(), 'bl-tmpfs-probe-'));
const noTmpfs = tryRun('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probeDir]) ?? tryRun('umount', [probeDir]);
rmSync(probeDir, { recursive: true, force: true });
if (noTmpfs && process.env.CI === 'true')
  throw new Error(`${noTmpfs}; under CI=true the full-disk test must run (as root)`);

interface Load {
  acked: string[];
  refused: number;
  /** Error codes of the refusals, counted. */
  codes: Record<string, number>;
  bad: string[];
  stop(): Promise<void>;
}

/** Clients posting distinct leads; a 503 is retried with the same Idempotency-Key, as the widget would. */
function load(url: string, clients: number): Load {
  const state: Load = { acked: [], refused: 0, codes: {}, bad: [], stop: async () => {} };
  let stopped = false;
  const client = async (c: number) => {
    for (let i = 0; !stopped; i++) {
      while (!stopped) {
        const res = await fetch(`${url}/api/leads`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `disk-${c}-${i}-key` },
          body: JSON.stringify({ name: `Kunde ${c}-${i}`, email: `k${c}.${i}@example.de`, message: 'x'.repeat(400) }),
        }).catch((err: unknown) => {
          // The server is gone (a failed test killed it): say so once, not as unhandled rejections.
          state.bad.push(`fetch: ${(err as Error).message}`);
          return undefined;
        });
        if (!res) return;
        const text = await res.text();
        if (res.status === 201) {
          state.acked.push((JSON.parse(text) as { id: string }).id);
          break;
        }
        state.refused++;
        const code = (JSON.parse(text) as { error?: string }).error ?? String(res.status);
        state.codes[code] = (state.codes[code] ?? 0) + 1;
        if (res.status !== 503 || !res.headers.get('retry-after')) state.bad.push(`${res.status} ${text}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const running = Array.from({ length: clients }, (_, c) => client(c));
  state.stop = async () => {
    stopped = true;
    await Promise.all(running);
  };
  return state;
}

const health = async (url: string) => {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: (await res.json()) as { code?: string; reason?: string } };
};

// Recovery bound after space comes back: leads accepted, /healthz 200.
const RECOVERY_MS = 5000;

const lines = (out: string, text: string) => out.split('\n').filter((l) => l.includes(text)).length;
const faultLines = (out: string) => lines(out, 'database fault: answering 503');

describe('storage faults on SQLite', () => {
  let proc: ServerProcess | undefined;
  let peer: SmtpPeer | undefined;
  const mounts: string[] = [];
  const started: ServerProcess[] = [];
  let releaseHeld = () => {};
  afterAll(async () => {
    releaseHeld();
    // Every server this suite started, also one a failed test left running (it would keep its tmpfs busy).
    for (const p of started) p.child.kill('SIGKILL');
    await Promise.all(started.map((p) => p.exited));
    await peer?.close();
    for (const m of mounts) tryRun('umount', [m]);
  });

  const env = (dir: string, smtp: string) => ({
    DATA_DIR: dir,
    SMTP_URL: smtp,
    MAIL_FROM: 'Leads <leads@kunde.de>',
    SALES_INBOX: 'vertrieb@kunde.de',
    MIN_FILL_SECONDS: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_PER_DAY: '0',
  });

  (noTmpfs ? it.skip : it)(
    'a full disk: 503 with Retry-After, /healthz 503 naming it, one log line, recovery without a restart, every lead mailed',
    {
      timeout: 200_000,
    },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bl-full-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir]);
      mounts.push(dir);
      peer = await startSmtpPeer();
      proc = await startServerProcess(env(dir, peer.url));
      started.push(proc);
      const url = proc.url;
      // One send is held back by the peer until the disk is full: its outcome is due while nothing can be written.
      const held = peer.holdNext();
      releaseHeld = held.release;
      let sending = false;
      void held.arrived.then(() => (sending = true));
      // Its lead goes first and its mail is in flight before the disk fills; racing the load for the last free pages,
      // the outbox's first claim (up to 20 jobs) lost now and then.
      const first = await fetch(`${url}/api/leads`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Erste Kundin', email: 'erste@example.de', message: 'x'.repeat(400) }),
      });
      expect(first.status).toBe(201);
      const firstId = ((await first.json()) as { id: string }).id;
      await until(() => sending, 10_000, 'a mail sent before the disk fills');
      // Leave about 160 KB, so a few hundred leads fill the disk.
      const free = statfsSync(dir).bavail * statfsSync(dir).bsize;
      const filler = join(dir, 'filler');
      writeFileSync(filler, Buffer.alloc(Math.max(0, free - 160 * 1024)));
      const posts = load(url, 4);
      posts.acked.push(firstId);
      await until(() => posts.refused >= 40, 60_000, 'leads refused on the full disk');
      // The server truncates its WAL when the disk fills, which frees what the WAL held: take that too, until it stays full.
      const topUps: string[] = [];
      let full = await health(url);
      for (let i = 0; i < 20 && full.status !== 503; i++) {
        topUps.push(join(dir, `filler-${i}`));
        const left = statfsSync(dir).bavail * statfsSync(dir).bsize;
        writeFileSync(topUps[i], Buffer.alloc(Math.max(0, left - 16 * 1024)));
        await new Promise((r) => setTimeout(r, 500));
        full = await health(url);
      }
      const ackedWhileFull = posts.acked.length;
      expect(full.status, JSON.stringify(full.body)).toBe(503);
      expect(full.body).toMatchObject({ code: 'E_DB_DISK_FULL', reason: expect.stringMatching(/full/) });
      held.release();
      // A small commit may still fit on a full disk, so the outbox meeting the fault is awaited, not required.
      const outboxFault = () => lines(proc!.output(), 'database fault: the outbox waits') > 0;
      await until(outboxFault, 2000, 'the outbox meeting the full disk').catch(() => {});

      const freedAt = Date.now();
      rmSync(filler);
      for (const f of topUps) rmSync(f);
      // Clients retry every 50 ms and the first batch after the free checkpoints the WAL, then commits: a lead is taken
      // within milliseconds. The bound leaves room for a busy CI machine; a WAL that has eaten the space never recovers.
      await until(() => posts.acked.length > ackedWhileFull, RECOVERY_MS, 'a lead accepted once space is back');
      const firstAckMs = Date.now() - freedAt;
      await until(() => posts.acked.length >= ackedWhileFull + 50, RECOVERY_MS, '50 more leads accepted');
      const recoveredMs = Date.now() - freedAt;
      await posts.stop();
      await until(async () => (await health(url)).status === 200, RECOVERY_MS, '/healthz 200 once space is back');
      expect(posts.bad).toEqual([]);
      expect(faultLines(proc.output())).toBe(1);
      expect(proc.output()).not.toContain('unhandled error');

      const mailed = () => new Set(peer!.mails.map((m) => m.parsed.messageId));
      const unmailed = () => posts.acked.filter((id) => !mailed().has(`<lead-${id}@kunde.de>`));
      // An outcome that could not be recorded is retried at most 5 s apart, a claim polled every second: 30 s is ample.
      await until(() => unmailed().length === 0, 30_000, 'a mail for every acknowledged lead').catch(() => {});
      const mailedMs = Date.now() - freedAt;
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      const sqlite = new Database(join(dir, 'leads.db'), { readonly: true });
      const stored = new Set((sqlite.prepare('select id from leads').all() as { id: string }[]).map((r) => r.id));
      sqlite.close();
      const ids = peer.mails.map((m) => m.parsed.messageId);
      console.log(
        JSON.stringify({
          diskFull: {
            acknowledged: posts.acked.length,
            stored: posts.acked.filter((id) => stored.has(id)).length,
            mailed: posts.acked.length - unmailed().length,
            duplicates: ids.length - new Set(ids).size,
            refused503: posts.refused,
            // The outbox thread's connection met the full disk too (claims, outcomes or lease renewals refused).
            outboxFaultLines: lines(proc.output(), 'database fault: the outbox waits'),
            firstAckMs,
            recoveredMs,
            mailedMs,
          },
        }),
      );
      expect(unmailed()).toEqual([]);
      expect(posts.acked.filter((id) => !stored.has(id))).toEqual([]);
    },
  );

  it('an immutable WAL: 503 E_DB_IO and /healthz 503 while it lasts, recovery once it is writable again', {
    timeout: 60_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-immutable-'));
    peer ??= await startSmtpPeer();
    proc = await startServerProcess(env(dir, peer.url));
    started.push(proc);
    const url = proc.url;
    const wal = join(dir, 'leads.db-wal');
    const post = (key: string) =>
      fetch(`${url}/api/leads`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
        body: JSON.stringify({ name: 'Anna', email: 'anna@example.de', message: 'Hallo' }),
      });
    expect((await post('immutable-0')).status).toBe(201);
    const unsupported = tryRun('chattr', ['+i', wal]);
    if (unsupported) {
      if (process.env.CI === 'true') throw new Error(unsupported);
      console.warn(`skipping the immutable WAL case: ${unsupported}`);
      return;
    }
    try {
      const refused = await post('immutable-1');
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ error: 'E_DB_IO' });
      expect((await post('immutable-1')).status).toBe(503);
      const sick = await health(url);
      expect(sick.status).toBe(503);
      expect(sick.body.code).toBe('E_DB_IO');
    } finally {
      tryRun('chattr', ['-i', wal]);
    }
    const t = Date.now();
    await until(async () => (await health(url)).status === 200, 10_000, '/healthz 200 again');
    expect((await post('immutable-1')).status).toBe(201);
    console.log(JSON.stringify({ immutableWal: { acknowledged: 2, recoveredMs: Date.now() - t } }));
    expect(faultLines(proc.output())).toBe(1);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    const sqlite = new Database(join(dir, 'leads.db'), { readonly: true });
    expect((sqlite.prepare('select count(*) as n from leads').get() as { n: number }).n).toBe(2);
    sqlite.close();
  });
});
