import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { JobState, LeadStatus } from '../../shared/api-types.ts';
import type { Database } from '../db/schema.ts';
import { parseRecipients } from '../routing/sales-routes.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import { type LeadRow, parseSource } from '../store/leads.ts';
import { marketingConfirmed, marketingDetail } from '../store/marketing-consent.ts';
import { describeTarget } from '../webhooks/targets.ts';
import type { AdminLeadSchema, LeadDetailSchema, MailSummarySchema } from './schemas.ts';

export type AdminLead = z.infer<typeof AdminLeadSchema>;
export type LeadDetail = z.infer<typeof LeadDetailSchema>;
type MailSummary = z.infer<typeof MailSummarySchema>;

export function toAdminLead(r: LeadRow): AdminLead {
  return {
    id: r.id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    status: r.status as LeadStatus,
    name: r.name,
    email: r.email,
    company: r.company,
    phone: r.phone,
    topic: r.topic,
    message: r.message,
    locale: r.locale,
    marketing: marketingConfirmed(r),
    note: r.note,
    assignee: r.assignee,
  };
}

/** The notification mail's state per lead (the newest job when there are several). */
export async function mailSummaries(db: Kysely<Database>, leadIds: string[]): Promise<Map<string, MailSummary>> {
  const out = new Map<string, MailSummary>();
  if (!leadIds.length) return out;
  const jobs = await db
    .selectFrom('jobs')
    .select(['lead_id', 'state', 'attempts', 'last_error'])
    .where('lead_id', 'in', leadIds)
    .where('kind', '=', JOB_KINDS.notification)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const j of jobs)
    out.set(j.lead_id!, { state: j.state as JobState, attempts: Number(j.attempts), lastError: j.last_error });
  return out;
}

/** A lead with its attribution, consent record, mail jobs (with every attempt) and audit trail. */
export async function leadDetail(db: Kysely<Database>, row: LeadRow): Promise<LeadDetail> {
  const jobs = await db
    .selectFrom('jobs')
    .selectAll()
    .where('lead_id', '=', row.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const attempts = jobs.length
    ? await db
        .selectFrom('job_attempts')
        .selectAll()
        .where(
          'job_id',
          'in',
          jobs.map((j) => j.id),
        )
        .orderBy('at')
        .orderBy('id')
        .execute()
    : [];
  const audit = await db
    .selectFrom('audit_log')
    .select(['at', 'action', 'detail'])
    .where('lead_id', '=', row.id)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return {
    lead: toAdminLead(row),
    attribution: parseSource(row.source),
    consent: { consent: Boolean(Number(row.consent)), version: row.consent_version, at: row.created_at },
    marketingConsent: await marketingDetail(db, row),
    // Fixed when the lead was stored (SALES_ROUTES); null for leads from before routing, which go to SALES_INBOX.
    recipients: parseRecipients(row.recipients),
    jobs: jobs.map((j) => ({
      id: j.id,
      kind: j.kind,
      // Webhook URLs often carry their secret in the path (Slack, n8n); the detail and Art. 15 exports show host and
      // fingerprint only.
      target: j.target && describeTarget(j.target),
      state: j.state,
      attempts: Number(j.attempts),
      lastError: j.last_error,
      nextAttemptAt: j.next_attempt_at,
      createdAt: j.created_at,
      sentAt: j.sent_at,
      attemptLog: attempts
        .filter((a) => a.job_id === j.id)
        .map((a) => ({ at: a.at, ok: Boolean(Number(a.ok)), error: a.error })),
    })),
    audit,
  };
}
