import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The syscalls are the proof: a power cut cannot be staged here, but what reached the disk before an answer can be read.
const noStrace = spawnSync('strace', ['-V']).error;
if (noStrace && process.env.CI === 'true') throw new Error('strace is missing; under CI=true the durability test runs');

interface Call {
  at: number;
  name: string;
  wal: boolean;
  ack?: number;
}

/** Completed calls from `strace -f -ttt -y`, at the time each finished (a resumed line carries the finish). */
function calls(log: string): Call[] {
  const out: Call[] = [];
  const pending = new Map<string, string>();
  for (const line of log.split('\n')) {
    const m = /^(\d+)\s+(\d+\.\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, pid, at, rest] = m;
    if (rest.endsWith('<unfinished ...>')) {
      pending.set(pid, rest);
      continue;
    }
    const text = rest.startsWith('<...') ? (pending.get(pid) ?? '') + rest : rest;
    const name = /^(?:<\.\.\. )?(\w+)/.exec(text)?.[1] ?? '';
    const ack = /"ACK (\d+)\\n"/.exec(text)?.[1];
    out.push({
      at: Number(at),
      name,
      wal: text.includes('leads.db-wal>'),
      ack: ack === undefined ? undefined : Number(ack),
    });
  }
  return out;
}

describe('a group commit is acknowledged only once its WAL is on disk', () => {
  (noStrace ? it.skip : it)(
    'syncs the WAL after the last write of each commit and before its caller hears of it',
    {
      timeout: 60_000,
    },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'bl-walsync-'));
      const log = join(dir, 'strace.log');
      execFileSync(
        'strace',
        [
          '-f',
          '-ttt',
          '-y',
          '-o',
          log,
          '-e',
          'trace=pwrite64,write,fdatasync,fsync',
          process.execPath,
          '--import',
          'tsx',
        ].concat(['server/testing/acked-commits.ts', `sqlite:${join(dir, 'leads.db')}`, '5']),
        { stdio: 'pipe' },
      );
      const seen = calls(readFileSync(log, 'utf8'));
      const acks = seen.filter((c) => c.name === 'write' && c.ack !== undefined);
      expect(acks.map((c) => c.ack)).toEqual([0, 1, 2, 3, 4]);
      let previousAck = 0;
      for (const ack of acks) {
        const before = seen.filter((c) => c.at > previousAck && c.at <= ack.at);
        const lastWalWrite = before.filter((c) => c.wal && c.name === 'pwrite64').at(-1);
        expect(lastWalWrite, `a WAL write before ACK ${ack.ack}`).toBeDefined();
        const synced = before.some((c) => c.wal && /^f(data)?sync$/.test(c.name) && c.at >= lastWalWrite!.at);
        expect(synced, `the WAL synced after its last write and before ACK ${ack.ack}`).toBe(true);
        previousAck = ack.at;
      }
    },
  );
});
