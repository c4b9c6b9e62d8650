import { type Kysely, sql } from 'kysely';

// Forward-only: a shipped migration is never edited; add the next file instead. Adds only, so old instances keep running.
export async function up(db: Kysely<any>): Promise<void> {
  // Under a full MAIL_PER_HOUR the outbox only looks for the other kinds (webhooks). Through jobs_due_idx that read
  // stepped over every pending mail to find none, twice per wake: about 50 ms a wake at 100,000 held-back mails.
  // Partial: only pending jobs that are no mail, so storing a lead and its mails writes nothing more. The condition
  // is repeated word for word by the queries (store/jobs.ts), and the state column keeps SQLite choosing this index.
  await db.schema
    .createIndex('jobs_pending_other_idx')
    .on('jobs')
    .columns(['state', 'next_attempt_at'])
    .where(sql.ref('state'), '=', sql.lit('pending'))
    .where(sql.ref('kind'), 'not like', sql.lit('mail.%'))
    .execute();
}
