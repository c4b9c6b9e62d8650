import type { Generated } from 'kysely';

// Timestamps are ISO-8601 UTC strings in both databases: they sort as text and need no driver parsing.
export interface LeadsTable {
  id: string;
  created_at: string;
  updated_at: string;
  status: string;
  name: string;
  email: string;
  company: string | null;
  phone: string | null;
  topic: string | null;
  message: string;
  locale: string;
  consent: number;
  consent_version: string | null;
  marketing: number;
  source: string | null;
  note: string | null;
  assignee: string | null;
  /** JSON array of the sales addresses fixed at intake; null on leads stored before topic routing. */
  recipients: string | null;
  consent_asked: number | null;
  marketing_asked: number | null;
}

export interface IdempotencyKeysTable {
  key: string;
  lead_id: string;
  body_hash: string;
  created_at: string;
}

export interface JobsTable {
  id: string;
  lead_id: string | null;
  kind: string;
  target: string | null;
  state: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

export interface JobAttemptsTable {
  id: string;
  job_id: string;
  lead_id: string | null;
  at: string;
  ok: number;
  error: string | null;
}

export interface AuditLogTable {
  id: string;
  lead_id: string;
  at: string;
  action: string;
  detail: string | null;
}

export interface SpamReplayTable {
  key: string;
  expires_at: string;
}

export interface AppSecretsTable {
  name: string;
  value: string;
  created_at: string;
}

export interface MarketingConsentsTable {
  id: string;
  lead_id: string;
  /** pending until the address owner confirms through the mailed link, then confirmed. */
  state: string;
  text_version: string;
  requested_at: string;
  expires_at: string;
  confirmed_at: string | null;
}

export interface Database {
  leads: LeadsTable;
  idempotency_keys: IdempotencyKeysTable;
  jobs: JobsTable;
  job_attempts: JobAttemptsTable;
  audit_log: AuditLogTable;
  spam_replay: SpamReplayTable;
  app_secrets: AppSecretsTable;
  marketing_consents: MarketingConsentsTable;
}
