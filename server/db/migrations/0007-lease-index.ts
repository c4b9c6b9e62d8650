import type { Kysely } from 'kysely';

// Forward-only: a shipped migration is never edited; add the next file instead. Adds only, so old instances keep running.
export async function up(db: Kysely<any>): Promise<void> {
  // Every claim and every tick look for jobs whose lease ran out. Without this index SQLite took the kind index
  // (0005) and read and sorted every job ever sent: a claim cost more the longer the server had run.
  await db.schema.createIndex('jobs_lease_idx').on('jobs').columns(['state', 'lease_until']).execute();
}
