import { statSync } from 'node:fs';
import type SqliteDatabase from 'better-sqlite3';
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
 * Resolves with whether the WAL was restarted.
 */
async function checkpointAndRestart(db: Db): Promise<boolean> {
  const sqlite = db.sqlite!;
  for (let attempt = 1; ; attempt++) {
    // Kysely's one connection, held: no transaction of this thread's can be open on it in between.
    const restarted = await db.kysely.connection().execute(async () => {
      // No commit after the passive copy: the restart would copy it again and sync both files under the write lock.
      if (attempt === 1) sqlite.pragma('wal_checkpoint(passive)');
      if (!restartWal(sqlite)) return false;
      startOver(sqlite);
      return true;
    });
    if (restarted || attempt >= RESTART_TRIES) return restarted;
    await new Promise((resolve) => setTimeout(resolve, RESTART_RETRY_MS));
  }
}

/** Whether the restart checkpoint copied every frame and started the WAL over; a write holding the lock stops it. */
function restartWal(sqlite: SqliteDatabase.Database): boolean {
  const [row] = sqlite.pragma('wal_checkpoint(restart)') as CheckpointRow[];
  return Boolean(row && !row.busy && row.checkpointed >= row.log);
}

/**
 * A commit of one unchanged page, at once after a restart. The first commit after it writes the WAL's new header and
 * syncs it: that sync (up to 14 ms seen under load) then falls to this thread, not to the request thread's next
 * commit.
 */
function startOver(sqlite: SqliteDatabase.Database): void {
  // The header is synced at any level; the commit of a page that did not change needs no sync of its own.
  sqlite.pragma('synchronous = normal');
  try {
    sqlite.pragma(`user_version = ${Number(sqlite.pragma('user_version', { simple: true }))}`);
  } catch (err) {
    // A request's commit came first and wrote the header itself: nothing is lost.
    if (!String((err as { code?: unknown }).code).startsWith('SQLITE_BUSY')) throw err;
  } finally {
    sqlite.pragma('synchronous = full');
  }
}

/** Checkpoints the WAL from this connection (the outbox thread's) whenever it has grown past the threshold. */
export function startCheckpoints(db: Db, logger: Logger, opts: CheckpointOptions = {}): { stop(): void } {
  if (db.dialect !== 'sqlite') return { stop() {} };
  // SQLite's own checkpoint after this connection's commits would end without the commit of startOver().
  db.sqlite?.pragma('wal_autocheckpoint = 0');
  const wal = `${db.describe}-wal`;
  let running = false;
  // The WAL as the last round that restarted it left it: the file keeps its size, so only a write since tells there
  // is work (a write within the same tick of the file clock is seen with the next one).
  let leftAt: number | undefined;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const file = statSync(wal, { throwIfNoEntry: false });
      if (file && file.size >= (opts.thresholdBytes ?? WAL_CHECKPOINT_BYTES) && file.mtimeMs !== leftAt) {
        if (await checkpointAndRestart(db)) leftAt = statSync(wal, { throwIfNoEntry: false })?.mtimeMs;
      }
    } catch (err) {
      if (!db.health.report(err)) logger.warn({ err }, 'WAL checkpoint failed; trying again shortly');
    } finally {
      running = false;
    }
  }, opts.everyMs ?? CHECK_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
