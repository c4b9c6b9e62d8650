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
    // Only a form that asked for the opt-in can have left a consent record; most never ask, so skip the query.
    const record = Number(lead.marketing_asked) === 1 ? await consentRecord(ctx.db.kysely, lead.id) : undefined;
    const marketing = marketingState(lead, record);
    await ctx.transport.send(buildNotification(lead, ctx.config, marketing));
  },
  classify: classifyMailError,
};
