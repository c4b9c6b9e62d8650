import { Kysely, type Migration, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Db } from './connect.ts';
import * as m0001 from './migrations/0001-initial.ts';
import * as m0002 from './migrations/0002-outbox.ts';
import * as m0004 from './migrations/0004-spam.ts';
import * as m0005 from './migrations/0005-ops.ts';
import * as m0006 from './migrations/0006-routing-consent.ts';
import * as m0007 from './migrations/0007-lease-index.ts';
import * as m0008 from './migrations/0008-pending-other-index.ts';
import type { Database } from './schema.ts';

// Listed by hand so the bundle-free tsx start and the tests see the same ordered set.
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-outbox': m0002,
  '0004-spam': m0004,
  '0005-ops': m0005,
  '0006-routing-consent': m0006,
  '0007-lease-index': m0007,
  '0008-pending-other-index': m0008,
};

/**
 * On PostgreSQL, a one-connection pool without DB_STATEMENT_TIMEOUT_MS: waiting for another instance's
 * migration lock, or building an index on a big table, may rightly take longer than any request.
 */
async function withMigrationConnection<T>(db: Db, run: (kysely: Kysely<Database>) => Promise<T>): Promise<T> {
  if (!db.pgPool) return run(db.kysely);
  // pg-pool keeps the password non-enumerable, so a spread alone would drop it.
  const pool = new pg.Pool({
    ...db.pgPool.options,
    password: db.pgPool.options.password,
    max: 1,
    statement_timeout: undefined,
  });
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    return await run(kysely);
  } finally {
    await kysely.destroy();
  }
}

/**
 * Runs pending migrations; Kysely holds a session advisory lock on PostgreSQL, so several instances may start at once.
 */
export async function migrate(db: Db, upTo?: string): Promise<void> {
  const { error, results } = await withMigrationConnection(db, (kysely) => {
    const migrator = new Migrator({ db: kysely, provider: { getMigrations: async () => MIGRATIONS } });
    return upTo ? migrator.migrateTo(upTo) : migrator.migrateToLatest();
  });
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(
      `migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
