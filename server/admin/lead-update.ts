import { Hono } from 'hono';
import { iso } from '../clock.ts';
import type { AppDeps } from '../deps.ts';
import { ERROR_CODES, fail } from '../errors.ts';
import { limitBody } from '../middleware/body-size.ts';
import { readJson } from '../middleware/json-body.ts';
import { requireJson } from '../middleware/require-json.ts';
import { type AuditEntry, writeAudit } from '../store/audit.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import { insertJobs, latestJob } from '../store/jobs.ts';
import { lockLead, requeueAudited } from '../store/requeue.ts';
import { enqueueWebhooks } from '../webhooks/enqueue.ts';
import { ResendQuerySchema, resendJobs } from '../webhooks/resend.ts';
import { toAdminLead } from './lead-queries.ts';
import { type LeadPatch, LeadPatchSchema } from './schemas.ts';
import { parseOrFail, parseQuery } from './validate.ts';

// The trail says what kind of change happened, never the note or assignee text: it must hold no personal data.
function auditEntries(
  before: { status: string; note: string | null; assignee: string | null },
  patch: LeadPatch,
): AuditEntry[] {
  const out: AuditEntry[] = [];
  if (patch.status !== undefined && patch.status !== before.status)
    out.push(['status', `${before.status}->${patch.status}`]);
  for (const key of ['note', 'assignee'] as const) {
    const next = patch[key] || null;
    if (patch[key] !== undefined && next !== before[key])
      out.push([key, next === null ? 'cleared' : before[key] === null ? 'set' : 'changed']);
  }
  return out;
}

export function leadUpdateRoutes(deps: AppDeps) {
  const app = new Hono();
  // SQLite serialises writers by itself and has no FOR UPDATE.
  const pg = deps.db.dialect === 'postgres';

  app.patch('/leads/:id', requireJson, limitBody(16 * 1024), async (c) => {
    const patch = parseOrFail(LeadPatchSchema, await readJson(c));
    const id = c.req.param('id');
    let queued = 0;
    const updated = await deps.db.kysely.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('leads')
        .select(['status', 'note', 'assignee'])
        .where('id', '=', id)
        .$if(pg, (q) => q.forUpdate())
        .executeTakeFirst();
      if (!before) return undefined;
      const entries = auditEntries(before, patch);
      if (entries.length) {
        const now = iso(deps.clock);
        const changes: { status?: string; note?: string | null; assignee?: string | null } = {};
        if (patch.status !== undefined) changes.status = patch.status;
        if (patch.note !== undefined) changes.note = patch.note || null;
        if (patch.assignee !== undefined) changes.assignee = patch.assignee || null;
        await trx
          .updateTable('leads')
          .set({ ...changes, updated_at: now })
          .where('id', '=', id)
          .execute();
        await writeAudit(trx, id, now, entries);
        // Receivers hear of a status change (lead.updated) through the outbox, committed with the change.
        if (patch.status !== undefined && patch.status !== before.status)
          queued = await enqueueWebhooks(trx, deps.clock, deps.config, id, 'lead.updated');
      }
      return trx.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    });
    if (!updated) throw fail(404, 'No lead with this id.');
    if (queued) deps.wakeOutbox?.(id);
    return c.json(toAdminLead(updated));
  });

  app.post('/leads/:id/resend', async (c) => {
    const id = c.req.param('id');
    const now = iso(deps.clock);
    // ?kind=webhook or ?job=<id>: webhook deliveries (or any one job); without them, the notification mail as before.
    if ((await resendJobs(deps, id, parseQuery(ResendQuerySchema, c.req.queries()))) !== undefined) {
      deps.wakeOutbox?.(id);
      return c.json({ queued: true }, 202);
    }
    const outcome = await deps.db.kysely.transaction().execute(async (trx) => {
      if (!(await lockLead(trx, deps.db.dialect, id))) return 'missing' as const;
      const job = await latestJob(trx, id, JOB_KINDS.notification);
      if (job && (job.state === 'pending' || job.state === 'sending')) return 'busy' as const;
      if (job) return (await requeueAudited(trx, id, [job], now, (j) => `${j.state}->pending`)) ? 'queued' : 'busy';
      await insertJobs(trx, deps.clock, id, [{ kind: JOB_KINDS.notification }]);
      await writeAudit(trx, id, now, [['resend', 'queued']]);
      return 'queued' as const;
    });
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
