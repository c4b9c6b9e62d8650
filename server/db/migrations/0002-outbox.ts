import type { Kysely } from 'kysely';

// MAIL_PER_HOUR counts successful attempts of the last hour on every claim; without this index that is a full scan.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('job_attempts_ok_at_idx').on('job_attempts').columns(['ok', 'at']).execute();
}
