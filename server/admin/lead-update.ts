import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { iso } from '../clock.ts';
import type { Database } from '../db/schema.ts';
import type { AppDeps } from '../deps.ts';
import { fail } from '../errors.ts';
import { limitBody } from '../middleware/body-size.ts';
import { readJson } from '../middleware/json-body.ts';
import { requireJson } from '../middleware/require-json.ts';
import { type AuditEntry, writeAudit } from '../store/audit.ts';
import { enqueueWebhooks } from '../webhooks/enqueue.ts';
import { toAdminLead } from './lead-queries.ts';
import { type LeadPatch, LeadPatchSchema } from './schemas.ts';
import { parseOrFail } from './validate.ts';

type Before = { status: string; note: string | null; assignee: string | null };

// The trail says what kind of change happened, never the note or assignee text: it must hold no personal data.
function auditEntries(before: Before, patch: LeadPatch): AuditEntry[] {
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

/** Writes the change and its audit entries; a status change queues lead.updated webhooks. Returns how many. */
async function applyPatch(trx: Kysely<Database>, deps: AppDeps, id: string, before: Before, patch: LeadPatch) {
  const entries = auditEntries(before, patch);
  if (!entries.length) return 0;
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
  if (patch.status === undefined || patch.status === before.status) return 0;
  return enqueueWebhooks(trx, deps.clock, deps.config, id, 'lead.updated');
}

export function leadUpdateRoutes(deps: AppDeps) {
  const app = new Hono();
  app.patch('/leads/:id', requireJson, limitBody(16 * 1024), async (c) => {
    const patch = parseOrFail(LeadPatchSchema, await readJson(c));
    const id = c.req.param('id');
    let queued = 0;
    const updated = await deps.db.kysely.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('leads')
        .select(['status', 'note', 'assignee'])
        .where('id', '=', id)
        // SQLite serialises writers by itself and has no FOR UPDATE.
        .$if(deps.db.dialect === 'postgres', (q) => q.forUpdate())
        .executeTakeFirst();
      if (!before) return undefined;
      queued = await applyPatch(trx, deps, id, before, patch);
      return trx.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    });
    if (!updated) throw fail(404, 'No lead with this id.');
    if (queued) deps.wakeOutbox?.(id);
    return c.json(toAdminLead(updated));
  });
  return app;
}
