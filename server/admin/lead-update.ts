import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { iso } from '../clock.ts';
import type { Database } from '../db/schema.ts';
import type { AppDeps } from '../deps.ts';
import { fail } from '../errors.ts';
import { uuidv7 } from '../ids.ts';
import { limitBody } from '../middleware/body-size.ts';
import { readJson } from '../middleware/json-body.ts';
import { requireJson } from '../middleware/require-json.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import { insertJobs, latestJob, requeueJob } from '../store/jobs.ts';
import { enqueueWebhooks } from '../webhooks/enqueue.ts';
import { ResendQuerySchema, resendJobs } from '../webhooks/resend.ts';
import { toAdminLead } from './lead-queries.ts';
import { type LeadPatch, LeadPatchSchema } from './schemas.ts';
import { parseOrFail, parseQuery } from './validate.ts';

async function audit(trx: Kysely<Database>, leadId: string, at: string, entries: [string, string | null][]) {
  // uuidv7 is random within a millisecond; sorted ids keep one change's entries in the order they were made.
  const ids = entries.map(() => uuidv7(Date.parse(at))).sort();
  await trx
    .insertInto('audit_log')
    .values(entries.map(([action, detail], i) => ({ id: ids[i], lead_id: leadId, at, action, detail })))
    .execute();
}

// The trail says what kind of change happened, never the note or assignee text: it must hold no personal data.
function auditEntries(
  before: { status: string; note: string | null; assignee: string | null },
  patch: LeadPatch,
): [string, string | null][] {
  const out: [string, string | null][] = [];
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
        await audit(trx, id, now, entries);
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
      const lead = await trx
        .selectFrom('leads')
        .select('id')
        .where('id', '=', id)
        .$if(pg, (q) => q.forUpdate())
        .executeTakeFirst();
      if (!lead) return 'missing' as const;
      const job = await latestJob(trx, id, JOB_KINDS.notification);
      if (job && (job.state === 'pending' || job.state === 'sending')) return 'busy' as const;
      if (job && !(await requeueJob(trx, job, now))) return 'busy' as const;
      if (!job) await insertJobs(trx, deps.clock, id, [{ kind: JOB_KINDS.notification }]);
      await audit(trx, id, now, [['resend', job ? `${job.state}->pending` : 'queued']]);
      return 'queued' as const;
    });
    if (outcome === 'missing') throw fail(404, 'No lead with this id.');
    if (outcome === 'busy')
      throw fail(
        409,
        'The notification is already queued or being sent; wait for it to finish or fail.',
        'mail_in_progress',
      );
    deps.wakeOutbox?.(id);
    return c.json({ queued: true }, 202);
  });

  return app;
}
