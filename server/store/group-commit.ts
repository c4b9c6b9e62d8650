import type SqliteDatabase from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { DbHealth } from '../db/db-health.ts';
import type { Database } from '../db/schema.ts';
import { BUSY_DEADLINE_MS, retrying } from '../db/sqlite-busy.ts';
import type { WalSync } from '../db/wal-sync.ts';

type Work<T> = (conn: Kysely<Database>) => Promise<T>;
type Result = { ok: true; value: unknown } | { ok: false; err: unknown };
interface Pending {
  work: Work<unknown>;
  durable: boolean;
  gatherMs: number;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

const CONTROL = {
  begin: 'begin immediate',
  commit: 'commit',
  rollback: 'rollback',
  savepoint: 'savepoint gc',
  rollbackTo: 'rollback to gc',
  release: 'release gc',
  normal: 'pragma synchronous = normal',
  full: 'pragma synchronous = full',
} as const;
type Control = Record<keyof typeof CONTROL, SqliteDatabase.Statement>;

const prepareControl = (raw: SqliteDatabase.Database) =>
  Object.fromEntries(Object.entries(CONTROL).map(([name, text]) => [name, raw.prepare(text)])) as Control;

/**
 * Group commit for SQLite: writes that arrive while a commit is being synced share the next transaction, each in
 * its own savepoint, so one fsync acknowledges many leads and durability stays synchronous=FULL.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private flushing = false;
  private scheduled: 'now' | 'later' | undefined;
  private gathering: NodeJS.Timeout | undefined;
  // The transaction's own statements go straight to better-sqlite3: through Kysely each costs a query build and a
  // few promise turns, and a batch of n leads has 2n + 4 of them.
  private readonly control: Control;

  constructor(
    private readonly kysely: Kysely<Database>,
    raw: SqliteDatabase.Database,
    private readonly health?: DbHealth,
    private readonly walSync?: WalSync,
  ) {
    this.control = prepareControl(raw);
  }

  run<T>(work: Work<T>, durable = true, gatherMs = 0): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, durable, gatherMs, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  // better-sqlite3 commits synchronously, so requests only pile up while the event loop runs: the flush waits for
  // the end of the current I/O phase, and every request that reached its insert by then shares the commit. A batch
  // of work that may wait (outbox outcomes) waits for its neighbours a little longer: fewer commits, less WAL.
  private schedule(): void {
    if (this.flushing || this.scheduled === 'now') return;
    if (this.queue.some((item) => !item.gatherMs)) {
      clearTimeout(this.gathering);
      this.scheduled = 'now';
      setImmediate(() => this.flushScheduled());
    } else if (!this.scheduled) {
      this.scheduled = 'later';
      this.gathering = setTimeout(() => this.flushScheduled(), Math.min(...this.queue.map((item) => item.gatherMs)));
    }
  }

  private flushScheduled(): void {
    this.scheduled = undefined;
    void this.flush();
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    const batch = this.queue;
    this.queue = [];
    // A batch of outbox bookkeeping only skips the fsync; the next durable commit syncs it along.
    const relaxed = !batch.some((item) => item.durable);
    let results: Result[];
    try {
      results = await this.commit(batch, relaxed);
    } catch (err) {
      // The commit itself failed: nothing of this batch is stored, so every caller hears it.
      return this.fail(batch, err);
    }
    // The next batch commits while this one's WAL is synced: a sync covers everything written before it began.
    this.done();
    try {
      // Nobody hears "stored" before the WAL holding it is on disk: the one sync synchronous=FULL would have made.
      if (!relaxed) await this.walSync?.sync();
    } catch (err) {
      // Committed but perhaps not on disk: not acknowledged, so a retry with its Idempotency-Key finds it.
      return this.fail(batch, err, false);
    }
    this.health?.recovered();
    batch.forEach((item, i) => {
      const r = results[i];
      if (r.ok) item.resolve(r.value);
      else item.reject(r.err);
    });
  }

  private async commit(batch: Pending[], relaxed: boolean): Promise<Result[]> {
    const results: Result[] = [];
    const control = this.control;
    await this.kysely.connection().execute(async (conn) => {
      // Never write into a deleted file: whatever it took would vanish with the process.
      this.health?.assertFiles();
      // On a tight disk, before every batch: a WAL left to grow into freed space could never be checkpointed again.
      if (this.health?.wantsCheckpoint()) await sql`pragma wal_checkpoint(truncate)`.execute(conn).catch(() => {});
      // With a WalSync a durable batch is synced after its commit, on the thread pool: COMMIT itself needs no fsync.
      const normal = relaxed || this.walSync !== undefined;
      if (normal) control.normal.run();
      try {
        // The outbox thread's connection holds the write lock for a moment at a time: wait for it on timers.
        await retrying(async () => control.begin.run(), BUSY_DEADLINE_MS);
        try {
          for (const item of batch) results.push(await this.step(conn, item));
          control.commit.run();
          // Deleted while this batch ran: it went into the vanished file, so none of it is acknowledged.
          this.health?.assertFiles();
        } catch (err) {
          try {
            control.rollback.run();
          } catch {
            // SQLite may have rolled the transaction back itself (a full disk): nothing is left to undo.
          }
          throw err;
        }
      } finally {
        // Also when BEGIN fails: the next batch may hold leads, which must be synced.
        if (normal) control.full.run();
      }
    });
    return results;
  }

  private fail(batch: Pending[], err: unknown, flushing = true): void {
    this.health?.report(err);
    for (const item of batch) item.reject(err);
    if (flushing) this.done();
  }

  // One item in its own savepoint. A full disk or an I/O error can end the whole transaction (SQLite rolls it back
  // by itself), and the savepoint is gone with it: the batch then fails with that fault, not with "no such savepoint".
  private async step(conn: Kysely<Database>, item: Pending): Promise<Result> {
    this.control.savepoint.run();
    let result: Result;
    try {
      result = { ok: true, value: await item.work(conn) };
    } catch (err) {
      try {
        this.control.rollbackTo.run();
      } catch {
        throw err;
      }
      result = { ok: false, err };
    }
    try {
      this.control.release.run();
    } catch (releaseErr) {
      throw result.ok ? releaseErr : result.err;
    }
    return result;
  }

  private done(): void {
    this.flushing = false;
    if (this.queue.length) this.schedule();
  }
}

const committers = new WeakMap<Db, GroupCommit>();

/**
 * Runs `work` in a transaction: batched with its neighbours on SQLite, a plain transaction on PostgreSQL.
 * `durable: false` is for outbox bookkeeping (claims, outcomes), which at-least-once delivery may lose to a power
 * cut: on SQLite such a batch commits with synchronous=NORMAL (WAL: safe from a process crash, synced by the next
 * durable commit). Leads and admin changes stay synchronous=FULL. `gatherMs` lets work that can wait share a commit
 * with what arrives within that time (SQLite only).
 */
export function inTransaction<T>(
  db: Db,
  work: Work<T>,
  opts: { durable?: boolean; gatherMs?: number } = {},
): Promise<T> {
  if (db.dialect !== 'sqlite')
    return db.kysely
      .transaction()
      .execute(work)
      .then((value) => {
        db.health.recovered();
        return value;
      });
  let gc = committers.get(db);
  if (!gc) {
    if (!db.sqlite) throw new Error('group commit needs the SQLite handle');
    gc = new GroupCommit(db.kysely, db.sqlite, db.health, db.walSync);
    committers.set(db, gc);
  }
  return gc.run(work, opts.durable ?? true, opts.gatherMs ?? 0);
}
