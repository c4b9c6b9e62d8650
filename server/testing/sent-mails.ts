import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import { insertJobs } from '../store/jobs.ts';

// Rows per insert, within what SQLite binds in one statement.
const BATCH = 500;

/** `n` pending notification mails created (and due) at `at`: what a flood leaves behind a full MAIL_PER_HOUR. */
export async function pendingMails(kysely: Kysely<Database>, n: number, at: number): Promise<void> {
  for (let done = 0; done < n; done += BATCH) {
    const batch = Math.min(BATCH, n - done);
    await insertJobs(kysely, () => new Date(at), null, Array(batch).fill({ kind: JOB_KINDS.notification }));
  }
}

/** `n` notifications sent one a second from `firstAt`, as MAIL_PER_HOUR counts them. */
export async function recordSentMails(kysely: Kysely<Database>, n: number, firstAt: number): Promise<void> {
  await pendingMails(kysely, n, firstAt);
  const sentAt = new Date(firstAt).toISOString();
  const ours = await kysely
    .updateTable('jobs')
    .set({ state: 'sent', attempts: 1, sent_at: sentAt, updated_at: sentAt })
    .where('state', '=', 'pending')
    .where('created_at', '=', sentAt)
    .returning('id')
    .execute();
  const ids = ours.map((job) => job.id).sort();
  for (let done = 0; done < ids.length; done += BATCH) {
    const rows = ids.slice(done, done + BATCH).map((id, i) => ({
      id: `sent-${done + i}`,
      job_id: id,
      lead_id: null,
      at: new Date(firstAt + (done + i) * 1000).toISOString(),
      ok: 1,
      error: null,
    }));
    await kysely.insertInto('job_attempts').values(rows).execute();
  }
}
