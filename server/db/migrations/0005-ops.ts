import type { Kysely } from 'kysely';

// Forward-only: a shipped migration is never edited; add the next file instead.
export async function up(db: Kysely<any>): Promise<void> {
  // The per-address confirmation cap and the hourly alert look up recent jobs of one kind (and target) on every post.
  await db.schema
    .createIndex('jobs_kind_target_created_idx')
    .on('jobs')
    .columns(['kind', 'target', 'created_at'])
    .execute();
}
