import { createHmac } from 'node:crypto';
import { parseRecipients } from '../routing/sales-routes.ts';
import { JOB_KINDS, type JobKind } from '../store/job-kinds.ts';
import { type LeadRow, parseSource } from '../store/leads.ts';
import { marketingConfirmed } from '../store/marketing-consent.ts';

export const EVENTS = ['lead.created', 'lead.updated'] as const;
export type WebhookEvent = (typeof EVENTS)[number];
/** One job kind per event; jobs.target holds the URL as configured (with its slack: prefix). */
export const WEBHOOK_KINDS: Record<WebhookEvent, JobKind> = {
  'lead.created': JOB_KINDS.webhookCreated,
  'lead.updated': JOB_KINDS.webhookUpdated,
};

// Listed, not spread: a column added to leads reaches receivers only once it is named here.
type SharedColumns = 'id' | 'created_at' | 'updated_at' | 'status' | 'name' | 'email' | 'company' | 'phone' | 'topic';

/** What a receiver learns about a lead: the inquiry and its status, never the sales team's note or assignee. */
export type WebhookLeadData = Pick<LeadRow, SharedColumns | 'message' | 'locale' | 'consent_version'> & {
  consent: boolean;
  /** True only after the visitor confirmed the double opt-in. */
  marketing: boolean;
  source: Record<string, string> | null;
  /** The sales addresses fixed when the lead was stored; null for leads from before routing. */
  recipients: string[] | null;
};

export interface WebhookPayload {
  type: WebhookEvent;
  timestamp: string;
  data: WebhookLeadData;
}

export function leadData(r: LeadRow): WebhookLeadData {
  return {
    id: r.id,
    created_at: r.created_at,
    updated_at: r.updated_at,
    status: r.status,
    name: r.name,
    email: r.email,
    company: r.company,
    phone: r.phone,
    topic: r.topic,
    message: r.message,
    locale: r.locale,
    consent: Boolean(Number(r.consent)),
    consent_version: r.consent_version,
    marketing: marketingConfirmed(r),
    source: parseSource(r.source),
    recipients: parseRecipients(r.recipients),
  };
}

/** The webhook-id of a job: the same on every retry, so a receiver can drop duplicates. */
export const messageId = (jobId: string) => `msg_${jobId}`;

/**
 * The Standard Webhooks headers for one attempt: id, unix seconds of this attempt, and v1 = base64 HMAC-SHA256 over
 * `${id}.${seconds}.${body}` keyed with the base64 part of the whsec_ secret (signed with node:crypto; tests verify
 * with standardwebhooks).
 */
export function signedHeaders(secret: string, id: string, at: Date, body: string): Record<string, string> {
  const seconds = Math.floor(at.getTime() / 1000);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${seconds}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(seconds), 'webhook-signature': `v1,${signature}` };
}
