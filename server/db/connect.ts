import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, type SqliteDialectConfig } from 'kysely';
import pg from 'pg';
import { DbHealth } from './db-health.ts';
import type { Database } from './schema.ts';
import { PatientSqliteDialect } from './sqlite-busy.ts';
import { WalSync } from './wal-sync.ts';

export type Dialect = 'sqlite' | 'postgres';

/** The size a WAL file is cut back to when it starts over; below it, a restarted WAL reuses its file. */
export const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, for the start banner (the password is never shown). */
  describe: string;
  /** The raw better-sqlite3 handle on SQLite (backups, group commit); undefined on PostgreSQL. */
  sqlite?: SqliteDatabase.Database;
  /** The pg pool on PostgreSQL (rate-limiter state, advisory locks); undefined on SQLite. */
  pgPool?: pg.Pool;
  /** The current fault (disk full, locked, files deleted, PostgreSQL gone) and the checks behind /healthz. */
  health: DbHealth;
  /** SQLite: syncs the WAL after a group commit, off the event loop; undefined on PostgreSQL. */
  walSync?: WalSync;
}

export interface ConnectOptions {
  poolSize?: number;
  /** SQLite: open an existing file only, never create one (a second connection beside the main one). */
  mustExist?: boolean;
  statementTimeoutMs?: number;
}

export function sqlitePath(url: string): string {
  return resolve(url.replace(/^(sqlite:|file:)(\/\/)?/, ''));
}

export function connect(url: string, opts: ConnectOptions = {}): Db {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize ?? 10,
      statement_timeout: opts.statementTimeoutMs || undefined,
      connectionTimeoutMillis: 5000,
    });
    // A client that loses its server, idle or checked out between two queries, must not crash the process:
    // the query in flight fails (answered 503) and the pool drops the broken client.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    const safe = new URL(url);
    safe.password = '';
    return {
      kysely: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
      dialect: 'postgres',
      describe: safe.toString(),
      pgPool: pool,
      health: new DbHealth(),
    };
  }
  const file = sqlitePath(url);
  mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file, { fileMustExist: opts.mustExist === true });
  // WAL with synchronous=FULL: an acknowledged commit survives a crash of the process and of the machine. The group
  // commit keeps that promise with its own sync of the WAL (wal-sync.ts), made off the event loop.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  // No busy wait inside the event loop: PatientSqliteDialect waits for a lock on timers instead.
  sqlite.pragma('busy_timeout = 0');
  // A WAL that grew under a burst is cut back to this size when it starts over, instead of keeping its peak size.
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  // Art. 17: deleted rows are overwritten with zeros instead of lingering in free pages.
  sqlite.pragma('secure_delete = on');
  // Savepoints journal in memory: past 64 KB SQLite spilled to a temp file, a pwrite per page, for rollbacks only.
  sqlite.pragma('temp_store = memory');
  const walSync = new WalSync(file);
  return {
    kysely: new Kysely<Database>({
      dialect: new PatientSqliteDialect({ database: withStatementCache(sqlite, () => walSync.close()) }),
    }),
    dialect: 'sqlite',
    describe: file,
    sqlite,
    health: new DbHealth({ file, handle: sqlite }),
    walSync,
  };
}

const STATEMENT_CACHE_SIZE = 500;

/** Kysely prepares every query anew; reusing prepared statements saves most of the cost of a small query. */
function withStatementCache(sqlite: SqliteDatabase.Database, onClose: () => void): SqliteDialectConfig['database'] {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      onClose();
      sqlite.close();
    },
    prepare(sql: string) {
      let statement = cache.get(sql);
      // A statement still iterating a result cannot run a second query at the same time.
      if (!statement || statement.busy) {
        statement = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
