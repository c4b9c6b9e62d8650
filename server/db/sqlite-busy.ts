import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SqliteDialect,
  type SqliteDialectConfig,
} from 'kysely';

/** How long a statement keeps trying while another process holds the write lock, before its caller hears SQLITE_BUSY. */
export const BUSY_DEADLINE_MS = 5000;

// A snapshot that went stale cannot be fixed by waiting; only the whole transaction could be retried.
const retryable = (err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY') && code !== 'SQLITE_BUSY_SNAPSHOT';
};

// The outbox thread's connection holds the write lock for 1 to 10 ms at a time: tries come about 1 ms apart for the
// first 100 ms (doubling pauses came 7 to 10 ms late), then up to 20 ms apart, for another process's lock of seconds.
const pause = (attempt: number, waitedMs: number) =>
  new Promise((resolve) =>
    attempt < 3
      ? setImmediate(resolve)
      : setTimeout(resolve, Math.min(2 ** (attempt - 3), waitedMs < 100 ? 1 : 20) * (0.5 + Math.random())),
  );

/** Runs `run` again while SQLite answers busy, on timers, until the deadline; then its SQLITE_BUSY reaches the caller. */
export async function retrying<T>(run: () => Promise<T>, deadlineMs: number): Promise<T> {
  const start = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!retryable(err) || Date.now() - start > deadlineMs) throw err;
      await pause(attempt, Date.now() - start);
    }
  }
}

function patient(conn: DatabaseConnection, deadlineMs: number): DatabaseConnection {
  return {
    executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> =>
      retrying(async () => await conn.executeQuery<R>(query), deadlineMs),
    streamQuery: (query, chunkSize) => conn.streamQuery(query, chunkSize),
  };
}

/**
 * SQLite with busy_timeout 0 and the waiting done here instead: better-sqlite3's busy handler sleeps inside the
 * event loop, so a lock held by another process froze every route. A busy statement is retried with backoff on
 * timers, and after the deadline its SQLITE_BUSY reaches the caller (answered 503).
 */
export class PatientSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly deadlineMs = BUSY_DEADLINE_MS,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const acquire = driver.acquireConnection.bind(driver);
    driver.acquireConnection = async () => patient(await acquire(), this.deadlineMs);
    return driver;
  }
}
