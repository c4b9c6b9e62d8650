import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WalSync } from './wal-sync.ts';

// The syscalls are the proof: a power cut cannot be staged here, but what reached the disk before an answer can be read.
const noStrace = spawnSync('strace', ['-V']).error;
if (noStrace && process.env.CI === 'true') throw new Error('strace is missing; under CI=true the durability test runs');

interface Call {
  /** The thread's id. */
  thread: number;
  start: number;
  end: number;
  name: string;
  wal: boolean;
  /** The path of the call's file descriptor, as strace -y shows it. */
  file?: string;
  text: string;
  ack?: number;
}

/** Completed calls from `strace -f -ttt -y`, with when each began and finished (a call cut in two has both lines). */
function calls(log: string): Call[] {
  const out: Call[] = [];
  const pending = new Map<string, { text: string; start: number }>();
  for (const line of log.split('\n')) {
    const m = /^(\d+)\s+(\d+\.\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [pid, at, rest] = [m[1], Number(m[2]), m[3]];
    if (rest.endsWith('<unfinished ...>')) {
      pending.set(pid, { text: rest, start: at });
      continue;
    }
    const began = rest.startsWith('<...') ? pending.get(pid) : undefined;
    const text = (began?.text ?? '') + rest;
    const name = /^(?:<\.\.\. )?(\w+)/.exec(text)?.[1] ?? '';
    const ack = /"ACK (\d+)\\n"/.exec(text)?.[1];
    const wal = text.includes('leads.db-wal>');
    const file = /^(?:<\.\.\. )?\w+\(\d+<([^>]*)>/.exec(text)?.[1];
    out.push({
      thread: Number(pid),
      start: began?.start ?? at,
      end: at,
      name,
      wal,
      file,
      text,
      ack: ack === undefined ? undefined : Number(ack),
    });
  }
  return out;
}

function traced(count: number, everyMs: number, extra: string[] = [], length = 0): Call[] {
  const dir = mkdtempSync(join(tmpdir(), 'bl-walsync-'));
  const log = join(dir, 'strace.log');
  const node = [process.execPath, '--import', 'tsx', 'server/testing/acked-commits.ts'];
  const args = [`sqlite:${join(dir, 'leads.db')}`, String(count), String(everyMs), String(length)];
  // Whole buffers (-s), so the WAL write that carried each lead's marker can be found.
  const trace = ['-f', '-ttt', '-y', '-s', '9000', '-o', log, '-e', 'trace=pwrite64,write,fdatasync,fsync', ...extra];
  execFileSync('strace', [...trace, ...node, ...args], { stdio: 'pipe' });
  return calls(readFileSync(log, 'utf8'));
}

/** Each acknowledgement comes after a sync of the WAL that began after the WAL write that first carried its lead. */
function unsyncedAcks(seen: Call[]): string[] {
  const acks = seen.filter((c) => c.name === 'write' && c.ack !== undefined);
  const problems: string[] = [];
  for (const ack of acks) {
    const written = seen.find((c) => c.wal && c.name === 'pwrite64' && c.text.includes(`marker-${ack.ack}-end`));
    if (!written || written.end > ack.start) {
      problems.push(`ACK ${ack.ack}: its lead was not in the WAL before it`);
      continue;
    }
    const synced = seen.some(
      (c) => c.wal && /^f(data)?sync$/.test(c.name) && c.start >= written.end && c.end <= ack.start,
    );
    if (!synced) problems.push(`ACK ${ack.ack}: the WAL was not synced after its lead was written`);
  }
  return acks.length ? problems : ['no ACK at all'];
}

/**
 * The most syncs of the WAL under way at one moment on the thread pool; strace logs a call before the delay it injects
 * on its exit. SQLite's own syncs (a checkpoint's, the header's of a restarted WAL) run on the event loop's thread.
 */
function mostPoolSyncsAtOnce(seen: Call[], delaySeconds: number): number {
  const eventLoop = seen.find((c) => c.ack !== undefined)?.thread;
  const syncs = seen
    .filter((c) => c.wal && /^f(data)?sync$/.test(c.name) && c.thread !== eventLoop)
    .map((c) => ({ start: c.start, end: c.end + (c.text.includes('(DELAYED)') ? delaySeconds : 0) }));
  return Math.max(0, ...syncs.map((s) => syncs.filter((o) => o.start <= s.start && o.end > s.start).length));
}

describe('a group commit is acknowledged only once its WAL is on disk', () => {
  (noStrace ? it.skip : it)(
    'syncs the WAL after the last write before each acknowledgement, one lead at a time',
    {
      timeout: 60_000,
    },
    () => {
      const seen = traced(5, 0);
      expect(seen.filter((c) => c.ack !== undefined)).toHaveLength(5);
      expect(unsyncedAcks(seen)).toEqual([]);
    },
  );

  (noStrace ? it.skip : it)(
    'and with batches committing while an earlier batch is still being synced',
    {
      timeout: 60_000,
    },
    () => {
      // A lead every 2 ms and each sync made to last 20 ms: batches commit while an earlier one syncs (a busy disk).
      const seen = traced(80, 2, ['-e', 'inject=fdatasync:delay_exit=20000']);
      expect(seen.filter((c) => c.ack !== undefined)).toHaveLength(80);
      expect(unsyncedAcks(seen)).toEqual([]);
      // A batch committed during a sync starts its own at once, but the thread pool never holds more than two.
      expect(mostPoolSyncsAtOnce(seen, 0.02)).toBe(2);
    },
  );
});

describe('a group commit writes only the database and its own files', () => {
  (noStrace ? it.skip : it)(
    "keeps its savepoints' journal in memory, even for batches of long leads",
    {
      timeout: 60_000,
    },
    () => {
      // Batches of leads with 4,000-character messages: their savepoints journal more than SQLite's 64 KB spill limit.
      const seen = traced(300, 2, ['-e', 'inject=fdatasync:delay_exit=20000'], 4000);
      expect(seen.filter((c) => c.ack !== undefined)).toHaveLength(300);
      const elsewhere = seen.filter(
        (c) => c.name === 'pwrite64' && !/\/leads\.db(-wal|-shm|-journal)?$/.test(c.file ?? ''),
      );
      expect([...new Set(elsewhere.map((c) => c.file))]).toEqual([]);
    },
  );
});

describe('the WAL sync follows the file at the WAL path', () => {
  it('syncs the file that replaced the WAL, not the one it opened first, and closes what it opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-walsync-follow-'));
    const wal = join(dir, 'leads.db-wal');
    // What this process holds open under the folder, as the kernel names it ("(deleted)" once unlinked).
    const held = () =>
      readdirSync('/proc/self/fd')
        .map((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`);
          } catch {
            return '';
          }
        })
        .filter((path) => path.startsWith(dir));
    writeFileSync(wal, 'first');
    const walSync = new WalSync(join(dir, 'leads.db'));
    await walSync.sync();
    expect(held()).toEqual([wal]);
    writeFileSync(join(dir, 'restored'), 'second');
    renameSync(join(dir, 'restored'), wal);
    expect(held()).toEqual([`${wal} (deleted)`]);
    await walSync.sync();
    expect(held()).toEqual([wal]);
    await walSync.sync();
    walSync.close();
    expect(held()).toEqual([]);
  });
});
