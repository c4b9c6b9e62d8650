import { buildNotification } from '../mail/notification.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import { consentRecord, marketingState } from '../store/marketing-consent.ts';
import { classifyMailError } from './failure.ts';
import { type JobHandler, leadOfJob } from './handlers.ts';

/** Tells sales about a new lead; written with the lead in its transaction. */
export const mailNotification: JobHandler = {
  kind: JOB_KINDS.notification,
  isMail: true,
  async run(ctx) {
    const lead = await leadOfJob(ctx);
    const marketing = marketingState(lead, await consentRecord(ctx.db.kysely, lead.id));
    await ctx.transport.send(buildNotification(lead, ctx.config, marketing));
  },
  classify: classifyMailError,
};
