import { existsSync, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import pino, { type Logger } from 'pino';
import { ERROR_CODES } from '../errors.ts';
import { type DbFault, DbFaultError, dbFault } from './faults.ts';
import type { Database } from './schema.ts';

// A disk this close to full still takes a small commit now and then; it counts as full until this much is free again.
const MIN_FREE_BYTES = 256 * 1024;
// Only the request thread answers 503; the outbox thread's own connection notices the same fault for its jobs.
const FAULT_MESSAGE = isMainThread
  ? 'database fault: answering 503 until it clears'
  : 'database fault: the outbox waits until it clears';
// A checkpoint waits for 4 MB of WAL (checkpoints.ts, or SQLite's own), and copying it may grow the database as much.
const TIGHT_FREE_BYTES = 16 * 1024 * 1024;

interface SqliteFiles {
  file: string;
  handle: SqliteDatabase.Database;
}

/**
 * What the server knows about its database's health: the current fault (disk full, locked, files deleted,
 * PostgreSQL gone), logged once when it starts and once when it clears, and the checks that notice and clear it.
 */
export class DbHealth {
  logger: Logger = pino({ level: 'silent' });
  private fault: (DbFault & { since: number; refused: number }) | undefined;
  private inodes = new Map<string, number>();
  private gone: DbFault | undefined;
  rescued: string | undefined;
  private checkpointedAt = 0;
  private loggedAt = new Map<string, number>();

  constructor(private readonly sqlite?: SqliteFiles) {
    if (sqlite) this.remember(sqlite.file);
  }

  get current(): DbFault | undefined {
    return this.gone ?? this.fault;
  }

  /** Classifies a failed query; a new fault is logged once at error level. Returns it, or undefined for a bug. */
  report(err: unknown): DbFault | undefined {
    const fault = dbFault(err);
    if (!fault) return undefined;
    if (this.fault?.code === fault.code) {
      this.fault.refused++;
      return fault;
    }
    this.fault = { ...fault, since: Date.now(), refused: 1 };
    // A fault that flaps (a nearly full disk taking a commit now and then) is logged once a minute, not each time.
    if (Date.now() - (this.loggedAt.get(fault.code) ?? 0) < 60_000) return fault;
    this.loggedAt.set(fault.code, Date.now());
    this.logger.error({ code: fault.code, reason: fault.reason }, FAULT_MESSAGE);
    return fault;
  }

  /** A write or probe went through: a fault (other than deleted files, which never heal) is over. */
  recovered(): void {
    if (!this.fault) return;
    if (this.fault.code === ERROR_CODES.DB_DISK_FULL && this.freeBytes() < MIN_FREE_BYTES) return;
    const { code, since, refused } = this.fault;
    this.fault = undefined;
    this.logger.info({ code, downMs: Date.now() - since, refused }, 'database fault cleared');
  }

  /**
   * Asked by the group commit before each batch; true every time while the disk is tight. A WAL never checkpointed
   * grows into every byte that comes free, and then its checkpoint finds no room left to copy it into the database
   * file: every commit kept failing with SQLITE_FULL after space was back. Checkpointed before each batch, the WAL
   * never holds more than one batch.
   */
  wantsCheckpoint(): boolean {
    const free = this.freeBytes();
    if (free >= TIGHT_FREE_BYTES) return false;
    // While the disk stays full a checkpoint fails for want of room: once a second is enough.
    const full = this.fault?.code === ERROR_CODES.DB_DISK_FULL && free < MIN_FREE_BYTES;
    if (full && Date.now() - this.checkpointedAt < 1000) return false;
    this.checkpointedAt = Date.now();
    return true;
  }

  /** Throws when the database file or its WAL was deleted or replaced since it was opened: writes would vanish. */
  assertFiles(): void {
    if (this.gone) throw new DbFaultError(this.gone);
    if (!this.sqlite) return;
    for (const path of [this.sqlite.file, `${this.sqlite.file}-wal`]) {
      const ino = this.inodes.get(path);
      if (ino === undefined) {
        this.remember(path);
        continue;
      }
      let now: number | undefined;
      try {
        now = statSync(path).ino;
      } catch {
        now = undefined;
      }
      if (now !== ino) this.fileGone(path);
    }
  }

  /** For /healthz: the files are there, and the database answers (with a real write while a fault is open). */
  async probe(kysely: Kysely<Database>): Promise<DbFault | undefined> {
    try {
      this.assertFiles();
      if (this.fault && this.sqlite) {
        if (this.wantsCheckpoint()) await sql`pragma wal_checkpoint(truncate)`.execute(kysely);
        // Rewriting user_version with its own value commits one page: it needs the disk and the write lock, changes nothing.
        const { rows } = await sql<{ user_version: number }>`pragma user_version`.execute(kysely);
        await sql.raw(`pragma user_version = ${Number(rows[0]?.user_version ?? 0)}`).execute(kysely);
      } else await sql`select 1`.execute(kysely);
      this.assertFiles();
      this.recovered();
      // A probe's one page can fit in WAL bytes already allocated: a disk still short of room is still full.
      return this.fault;
    } catch (err) {
      return this.report(err) ?? { code: ERROR_CODES.DB_UNAVAILABLE, reason: String(err), retryAfterSeconds: 5 };
    }
  }

  private freeBytes(): number {
    if (!this.sqlite) return Number.POSITIVE_INFINITY;
    try {
      const fs = statfsSync(dirname(this.sqlite.file));
      return fs.bavail * fs.bsize;
    } catch {
      return 0;
    }
  }

  private remember(path: string): void {
    if (existsSync(path)) this.inodes.set(path, statSync(path).ino);
  }

  private fileGone(path: string): never {
    const file = this.sqlite!.file;
    this.gone = {
      code: ERROR_CODES.DB_FILE_GONE,
      reason: 'the database file was deleted or replaced while the server ran; leads are refused until it is restored',
      retryAfterSeconds: 60,
    };
    const rescue = `${file}.rescued-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    this.logger.error(
      { code: this.gone.code, file: path, rescue },
      `database file gone: ${path}; leads are refused with 503`,
    );
    // The open handle still reads the deleted file: save what it holds, so no acknowledged lead is lost with it.
    this.sqlite!.handle.backup(rescue).then(
      () => {
        this.rescued = rescue;
        this.logger.error(
          { rescue },
          `saved the deleted database to ${rescue}; stop the server, then: npm run restore -- ${rescue}`,
        );
      },
      (err: unknown) => this.logger.error({ err, rescue }, 'could not save the deleted database'),
    );
    throw new DbFaultError(this.gone);
  }
}
