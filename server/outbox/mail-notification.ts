import { buildNotification } from '../mail/notification.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import { classifyMailError } from './failure.ts';
import { type JobHandler, leadOfJob } from './handlers.ts';

/** Tells sales about a new lead; written with the lead in its transaction. */
export const mailNotification: JobHandler = {
  kind: JOB_KINDS.notification,
  isMail: true,
  async run(ctx) {
    await ctx.transport.send(buildNotification(await leadOfJob(ctx), ctx.config));
  },
  classify: classifyMailError,
};
