import { z } from 'zod';
import { iso } from '../clock.ts';
import type { AppDeps } from '../deps.ts';
import { ERROR_CODES, fail } from '../errors.ts';
import { isWebhookKind, WEBHOOK_KIND_PREFIX } from '../store/job-kinds.ts';
import { lockLead, requeueAudited } from '../store/requeue.ts';

export const ResendQuerySchema = z.strictObject({
  kind: z
    .enum(['mail', 'webhook'])
    .optional()
    .describe('mail (default): the notification mail; webhook: every dead webhook delivery of the lead.'),
  job: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('One job of the lead (an id from the lead detail), sent or dead, of any kind.'),
});
export type ResendQuery = z.infer<typeof ResendQuerySchema>;

/**
 * Re-queues webhook deliveries (?kind=webhook: all dead ones) or one job by id (?job=); resolves with how many were
 * queued, or undefined when the request is about the notification mail, which lead-update.ts handles itself.
 * A requeued delivery keeps its job id, so it keeps its webhook-id: a receiver that already has it may drop it.
 */
export async function resendJobs(deps: AppDeps, leadId: string, query: ResendQuery): Promise<number | undefined> {
  if (!query.job && query.kind !== 'webhook') return undefined;
  const now = iso(deps.clock);
  const outcome = await deps.db.kysely.transaction().execute(async (trx) => {
    if (!(await lockLead(trx, deps.db.dialect, leadId))) return 'missing' as const;
    let q = trx.selectFrom('jobs').select(['id', 'kind', 'state']).where('lead_id', '=', leadId);
    q = query.job
      ? q.where('id', '=', query.job)
      : q.where('kind', 'like', `${WEBHOOK_KIND_PREFIX}%`).where('state', '=', 'dead');
    const jobs = (await q.orderBy('created_at').orderBy('id').execute()).filter(
      (j) => query.job || isWebhookKind(j.kind),
    );
    if (query.job && !jobs.length) return 'no_job' as const;
    if (jobs.some((j) => j.state === 'pending' || j.state === 'sending')) return 'busy' as const;
    if (!jobs.length) return 'nothing' as const;
    return (await requeueAudited(trx, leadId, jobs, now)) ? jobs.length : ('busy' as const);
  });
  if (outcome === 'missing') throw fail(404, 'No lead with this id.');
  if (outcome === 'no_job') throw fail(404, 'This lead has no job with this id.');
  if (outcome === 'busy')
    throw fail(
      409,
      'This delivery is already queued or being sent; wait for it to finish or fail.',
      ERROR_CODES.DELIVERY_IN_PROGRESS,
    );
  if (outcome === 'nothing')
    throw fail(409, 'This lead has no dead webhook delivery to resend.', ERROR_CODES.NOTHING_TO_RESEND);
  return outcome;
}
