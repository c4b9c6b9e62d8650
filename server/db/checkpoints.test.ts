import { spawn } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../testing/until.ts';
import { startCheckpoints } from './checkpoints.ts';
import { connect, type Db, WAL_SIZE_LIMIT_BYTES } from './connect.ts';

const MB = 1024 * 1024;
const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** Another process commits one lead after the other, each synced, and leaves checkpoints to us: the request thread. */
function steadyWriter(url: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/testing/acked-commits.ts', url, '1000000', '0', '0', 'elsewhere'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let commits = 0;
  child.stdout.on('data', (d: Buffer) => (commits += d.toString().split('ACK').length - 1));
  stops.push(() => child.kill('SIGKILL'));
  return { commits: () => commits };
}

const walSize = (url: string) => statSync(`${url}-wal`, { throwIfNoEntry: false })?.size ?? 0;

describe('WAL checkpoints beside a steady stream of commits from another connection', () => {
  it('keep the WAL file bounded, and cut a WAL grown in a burst back to the size limit', async () => {
    const url = join(mkdtempSync(join(tmpdir(), 'bl-ckpt-')), 'leads.db');
    const writer = steadyWriter(url);
    // Nobody checkpoints yet: the WAL grows past the limit, as in a burst.
    await until(() => walSize(url) > WAL_SIZE_LIMIT_BYTES + 4 * MB, 60_000, 'a WAL past the limit', 20);

    let db: Db | undefined;
    await until(
      () => {
        db = connect(url, { mustExist: true });
        return true;
      },
      10_000,
      'the database',
    );
    stops.push(() => db?.kysely.destroy());
    const checkpoints = startCheckpoints(db!, pino({ level: 'silent' }), { everyMs: 50, thresholdBytes: MB });
    stops.push(() => checkpoints.stop());
    // A passive checkpoint alone never finds a moment without new frames, and the WAL kept growing by the same amount.
    const from = writer.commits();
    let peak = 0;
    let cutBack = false;
    await until(
      () => {
        const size = walSize(url);
        if (size <= WAL_SIZE_LIMIT_BYTES) cutBack = true;
        if (cutBack) peak = Math.max(peak, size);
        return writer.commits() - from > 1500;
      },
      60_000,
      '1,500 more commits',
      5,
    );
    expect(cutBack).toBe(true);
    expect(peak).toBeLessThan(WAL_SIZE_LIMIT_BYTES + 4 * MB);
  }, 120_000);
});
