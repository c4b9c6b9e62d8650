import { statSync } from 'node:fs';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from './connect.ts';

// SQLite's own automatic checkpoint starts at 1,000 pages (about 4 MB of WAL); the same threshold here.
const WAL_CHECKPOINT_BYTES = 4 * 1024 * 1024;
const CHECK_EVERY_MS = 500;
// A restart needs a moment without a write transaction: a busy one is tried again this much later, a few times.
const RESTART_RETRY_MS = 20;
const RESTART_TRIES = 5;

type CheckpointRow = { busy: number; log: number; checkpointed: number };

export interface CheckpointOptions {
  everyMs?: number;
  /** WAL file size from which a checkpoint runs. */
  thresholdBytes?: number;
}

/**
 * The request thread's connection never checkpoints: a checkpoint copies pages and syncs two files, which would
 * stall every request behind it. Whoever calls this must run startCheckpoints() on a connection of its own.
 */
export function checkpointElsewhere(db: Db): void {
  db.sqlite?.pragma('wal_autocheckpoint = 0');
}

/**
 * One checkpoint that lets the next commit write the WAL from its start again. A passive checkpoint alone never
 * catches up under a steady load (a commit always lands while it copies), so the WAL grew by tens of MB a second.
 * The passive pass copies the bulk without blocking writers; the restart then copies the rest under the write lock.
 */
async function checkpointAndRestart(db: Db): Promise<void> {
  await sql`pragma wal_checkpoint(passive)`.execute(db.kysely);
  for (let attempt = 1; ; attempt++) {
    const { rows } = await sql<CheckpointRow>`pragma wal_checkpoint(restart)`.execute(db.kysely);
    if (!rows[0]?.busy || attempt >= RESTART_TRIES) return;
    await new Promise((resolve) => setTimeout(resolve, RESTART_RETRY_MS));
  }
}

/** Checkpoints the WAL from this connection (the outbox thread's) whenever it has grown past the threshold. */
export function startCheckpoints(db: Db, logger: Logger, opts: CheckpointOptions = {}): { stop(): void } {
  if (db.dialect !== 'sqlite') return { stop() {} };
  const wal = `${db.describe}-wal`;
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      if ((statSync(wal, { throwIfNoEntry: false })?.size ?? 0) >= (opts.thresholdBytes ?? WAL_CHECKPOINT_BYTES))
        await checkpointAndRestart(db);
    } catch (err) {
      if (!db.health.report(err)) logger.warn({ err }, 'WAL checkpoint failed; trying again shortly');
    } finally {
      running = false;
    }
  }, opts.everyMs ?? CHECK_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
