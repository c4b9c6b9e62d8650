import { buildNotification } from '../mail/notification.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import { classifyMailError, PermanentJobError } from './failure.ts';
import type { JobHandler } from './handlers.ts';

/** Tells sales about a new lead; written with the lead in its transaction. */
export const mailNotification: JobHandler = {
  kind: JOB_KINDS.notification,
  isMail: true,
  async run({ job, db, config, transport }) {
    if (!job.lead_id) throw new PermanentJobError('job has no lead_id');
    const lead = await db.kysely.selectFrom('leads').selectAll().where('id', '=', job.lead_id).executeTakeFirst();
    if (!lead) throw new PermanentJobError(`lead ${job.lead_id} no longer exists (erased?)`);
    await transport.send(buildNotification(lead, config));
  },
  classify: classifyMailError,
};
