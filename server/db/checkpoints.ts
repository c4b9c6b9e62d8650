import { statSync } from 'node:fs';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from './connect.ts';

// SQLite's own automatic checkpoint starts at 1,000 pages (about 4 MB of WAL); the same threshold here.
const WAL_CHECKPOINT_BYTES = 4 * 1024 * 1024;
const CHECK_EVERY_MS = 500;

/**
 * The request thread's connection never checkpoints: a checkpoint copies pages and syncs two files, which would
 * stall every request behind it. Whoever calls this must run startCheckpoints() on a connection of its own.
 */
export function checkpointElsewhere(db: Db): void {
  db.sqlite?.pragma('wal_autocheckpoint = 0');
}

/** Checkpoints the WAL from this connection (the outbox thread's) whenever it has grown past the threshold. */
export function startCheckpoints(db: Db, logger: Logger, everyMs = CHECK_EVERY_MS): { stop(): void } {
  if (db.dialect !== 'sqlite') return { stop() {} };
  const wal = `${db.describe}-wal`;
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      if ((statSync(wal, { throwIfNoEntry: false })?.size ?? 0) >= WAL_CHECKPOINT_BYTES)
        await sql`pragma wal_checkpoint(passive)`.execute(db.kysely);
    } catch (err) {
      if (!db.health.report(err)) logger.warn({ err }, 'WAL checkpoint failed; trying again shortly');
    } finally {
      running = false;
    }
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
