import type { Kysely } from 'kysely';
import type { Dialect } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import { writeAudit } from './audit.ts';
import { requeueJob } from './jobs.ts';

type FinishedJob = { id: string; kind: string; state: string };

/** Whether the lead exists, locking its row on PostgreSQL (SQLite serialises writers by itself, with no FOR UPDATE). */
export async function lockLead(trx: Kysely<Database>, dialect: Dialect, leadId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('leads')
    .select('id')
    .where('id', '=', leadId)
    .$if(dialect === 'postgres', (q) => q.forUpdate())
    .executeTakeFirst();
  return Boolean(row);
}

/**
 * Puts finished jobs of one lead back in the queue and notes each in its audit trail as `resend`; false when one of
 * them changed state meanwhile. The detail names the kind, never the target, which may hold a secret.
 */
export async function requeueAudited(
  trx: Kysely<Database>,
  leadId: string,
  jobs: FinishedJob[],
  now: string,
  detail: (job: FinishedJob) => string = (job) => `${job.kind} ${job.state}->pending`,
): Promise<boolean> {
  for (const job of jobs) if (!(await requeueJob(trx, job, now))) return false;
  await writeAudit(
    trx,
    leadId,
    now,
    jobs.map((job) => ['resend', detail(job)]),
  );
  return true;
}
