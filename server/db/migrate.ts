import { Migrator, type Migration } from 'kysely';
import type { Db } from './connect.ts';
import * as m0001 from './migrations/0001-initial.ts';
import * as m0002 from './migrations/0002-outbox.ts';
import * as m0004 from './migrations/0004-spam.ts';

// Listed by hand so the bundle-free tsx start and the tests see the same ordered set.
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-outbox': m0002,
  '0004-spam': m0004,
};

/** Runs pending migrations; Kysely takes a database lock (an advisory lock on PostgreSQL), so two instances may start at once. */
export async function migrate(db: Db, upTo?: string): Promise<void> {
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => MIGRATIONS },
  });
  const { error, results } = upTo ? await migrator.migrateTo(upTo) : await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
