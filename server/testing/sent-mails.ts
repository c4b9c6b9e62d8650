import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import { insertJobs } from '../store/jobs.ts';

/** `n` notifications sent one a second from `firstAt`, as MAIL_PER_HOUR counts them (in batches SQLite can bind). */
export async function recordSentMails(kysely: Kysely<Database>, n: number, firstAt: number): Promise<void> {
  for (let done = 0; done < n; done += 500) {
    const batch = Math.min(500, n - done);
    await insertJobs(kysely, () => new Date(firstAt), null, Array(batch).fill({ kind: JOB_KINDS.notification }));
  }
  const sentAt = new Date(firstAt).toISOString();
  await kysely.updateTable('jobs').set({ state: 'sent', attempts: 1, sent_at: sentAt, updated_at: sentAt }).execute();
  const jobs = await kysely.selectFrom('jobs').select('id').orderBy('id').execute();
  for (let done = 0; done < jobs.length; done += 500) {
    const rows = jobs.slice(done, done + 500).map((job, i) => ({
      id: `sent-${done + i}`,
      job_id: job.id,
      lead_id: null,
      at: new Date(firstAt + (done + i) * 1000).toISOString(),
      ok: 1,
      error: null,
    }));
    await kysely.insertInto('job_attempts').values(rows).execute();
  }
}
