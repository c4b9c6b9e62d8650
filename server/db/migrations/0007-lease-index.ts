import { type Kysely, sql } from 'kysely';

// Forward-only: a shipped migration is never edited; add the next file instead. Adds only, so old instances keep running.
export async function up(db: Kysely<any>): Promise<void> {
  // Every claim and every tick look for jobs whose lease ran out. Without this index SQLite took the kind index
  // (0005) and read and sorted every job of that kind ever sent: a claim cost more the longer the server had run.
  // Partial: only jobs in flight are in it, so storing a lead (a pending job) and sending a mail write less. The state
  // column stays in it: with an equality on it, SQLite prefers this index to the kind index without statistics.
  await db.schema
    .createIndex('jobs_lease_idx')
    .on('jobs')
    .columns(['state', 'lease_until'])
    .where(sql.ref('state'), '=', sql.lit('sending'))
    .execute();
}
