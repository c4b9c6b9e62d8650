import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { iso } from '../clock.ts';
import type { Database } from '../db/schema.ts';
import type { AppDeps } from '../deps.ts';
import { ERROR_CODES, fail } from '../errors.ts';
import { writeAudit } from '../store/audit.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import { insertJobs, latestJob } from '../store/jobs.ts';
import { lockLead, requeueAudited } from '../store/requeue.ts';
import { ResendQuerySchema, resendJobs } from '../webhooks/resend.ts';
import { parseQuery } from './validate.ts';

/** The notification again: its newest job back in the queue, or a new one when there was none. */
async function resendNotification(trx: Kysely<Database>, deps: AppDeps, id: string, now: string) {
  if (!(await lockLead(trx, deps.db.dialect, id))) return 'missing' as const;
  const job = await latestJob(trx, id, JOB_KINDS.notification);
  if (job && (job.state === 'pending' || job.state === 'sending')) return 'busy' as const;
  if (job) return (await requeueAudited(trx, id, [job], now, (j) => `${j.state}->pending`)) ? 'queued' : 'busy';
  await insertJobs(trx, deps.clock, id, [{ kind: JOB_KINDS.notification }]);
  await writeAudit(trx, id, now, [['resend', 'queued']]);
  return 'queued' as const;
}

export function resendRoutes(deps: AppDeps) {
  const app = new Hono();
  app.post('/leads/:id/resend', async (c) => {
    const id = c.req.param('id');
    const now = iso(deps.clock);
    // ?kind=webhook or ?job=<id>: webhook deliveries (or any one job); without them, the notification mail as before.
    if ((await resendJobs(deps, id, parseQuery(ResendQuerySchema, c.req.queries()))) !== undefined) {
      deps.wakeOutbox?.(id);
      return c.json({ queued: true }, 202);
    }
    const outcome = await deps.db.kysely.transaction().execute((trx) => resendNotification(trx, deps, id, now));
    if (outcome === 'missing') throw fail(404, 'No lead with this id.');
    if (outcome === 'busy')
      throw fail(
        409,
        'The notification is already queued or being sent; wait for it to finish or fail.',
        ERROR_CODES.MAIL_IN_PROGRESS,
      );
    deps.wakeOutbox?.(id);
    return c.json({ queued: true }, 202);
  });
  return app;
}
