import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../testing/until.ts';
import { checkpointElsewhere, startCheckpoints } from './checkpoints.ts';
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

/** The WAL file's 32-byte header: a new one (new salts, the next checkpoint number) each time the WAL starts over. */
function walHeader(url: string): Buffer {
  const fd = openSync(`${url}-wal`, 'r');
  try {
    const header = Buffer.alloc(32);
    readSync(fd, header, 0, 32, 0);
    return header;
  } finally {
    closeSync(fd);
  }
}

describe('a checkpoint that copied the whole WAL', () => {
  it("starts the WAL over with a commit of its own, so the request connection's next commit syncs no new header", async () => {
    const url = join(mkdtempSync(join(tmpdir(), 'bl-ckpt-')), 'leads.db');
    const requests = connect(url);
    stops.push(() => requests.kysely.destroy());
    checkpointElsewhere(requests);
    const sqlite = requests.sqlite!;
    sqlite.exec('create table notes (body text)');
    const insert = sqlite.prepare('insert into notes (body) values (?)');
    for (let i = 0; i < 50; i++) insert.run('x'.repeat(1000));
    const before = walHeader(url);

    const outbox = connect(url, { mustExist: true });
    stops.push(() => outbox.kysely.destroy());
    const checkpoints = startCheckpoints(outbox, pino({ level: 'silent' }), { everyMs: 20, thresholdBytes: 1 });
    stops.push(() => checkpoints.stop());
    await until(() => !walHeader(url).equals(before), 5000, 'a WAL started over by the checkpointing connection', 5);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = walHeader(url);
    // With nothing written since, later rounds leave the WAL (and the disk) alone.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(walHeader(url).equals(started)).toBe(true);

    checkpoints.stop();
    insert.run('one more');
    // The request connection appended to the WAL as it was: it wrote (and synced) no header of its own.
    expect(walHeader(url).equals(started)).toBe(true);
    expect((sqlite.prepare('select count(*) as n from notes').get() as { n: number }).n).toBe(51);
  });
});

describe('checkpoints on a connection that also runs transactions', () => {
  it('wait for a transaction that is open across awaits instead of running inside it', async () => {
    const url = join(mkdtempSync(join(tmpdir(), 'bl-ckpt-')), 'leads.db');
    const db = connect(url);
    stops.push(() => db.kysely.destroy());
    db.sqlite!.exec('create table notes (body text)');
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    // A checkpoint's error is either logged as a database fault or as a failed checkpoint: both land here.
    db.health.logger = logger;
    const checkpoints = startCheckpoints(db, logger, { everyMs: 5, thresholdBytes: 1 });
    stops.push(() => checkpoints.stop());
    for (let i = 0; i < 5; i++)
      await db.kysely.transaction().execute(async (trx) => {
        await sql`insert into notes (body) values (${'x'.repeat(1000)})`.execute(trx);
        // Several checkpoint rounds come due while this transaction is open.
        await new Promise((resolve) => setTimeout(resolve, 30));
      });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(warnings).toEqual([]);
    expect((db.sqlite!.prepare('select count(*) as n from notes').get() as { n: number }).n).toBe(5);
  });
});
