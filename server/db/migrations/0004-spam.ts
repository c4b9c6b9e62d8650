import type { Kysely } from 'kysely';

// Forward-only: a shipped migration is never edited; add the next file instead.
export async function up(db: Kysely<any>): Promise<void> {
  // One row per used proof-of-work solution, so a replay is refused by every instance; rows die with the challenge.
  await db.schema
    .createTable('spam_replay')
    .addColumn('key', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('spam_replay_expires_idx').on('spam_replay').column('expires_at').execute();

  // Secrets the instances must share when no CHALLENGE_SECRET is set (PostgreSQL only; SQLite keeps a file).
  await db.schema
    .createTable('app_secrets')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
}
