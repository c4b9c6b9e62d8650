import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { iso } from '../clock.ts';
import { requestMarketingOptIn } from '../consent/optin-request.ts';
import type { Database } from '../db/schema.ts';
import type { AppDeps } from '../deps.ts';
import { confirmationJobs } from '../outbox/mail-confirmation.ts';
import type { Classification } from '../spam/classify.ts';
import { claimReplay, pruneReplay } from '../spam/pow.ts';
import { inTransaction } from '../store/group-commit.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import type { NewJob } from '../store/jobs.ts';
import { type InsertResult, insertLeadIn, type NewLead } from '../store/leads.ts';
import { webhookJobs } from '../webhooks/jobs.ts';
import { storedFields } from './stored-fields.ts';

export type IntakeDeps = Pick<AppDeps, 'db' | 'clock' | 'config' | 'logger' | 'metrics' | 'wakeOutbox'>;
export type StoredLead = InsertResult & { spamReason?: string };

/** The key's row remembers a hash of the lead, not of its spam signals: a retry with a fresh challenge is the same. */
export function idempotency(key: string | undefined, lead: NewLead) {
  return key ? { key, bodyHash: createHash('sha256').update(JSON.stringify(lead)).digest('hex') } : undefined;
}

/** A lead's jobs: spam is kept for the record but never mailed nor sent on. */
async function jobsFor(trx: Kysely<Database>, deps: IntakeDeps, lead: NewLead, spam: boolean): Promise<NewJob[]> {
  if (spam) return [];
  return [
    { kind: JOB_KINDS.notification },
    ...(await confirmationJobs(trx, deps.db.dialect, deps.clock, deps.config, lead.email)),
    ...webhookJobs(deps.config, 'lead.created'),
  ];
}

/** Stores a validated lead with its jobs in one transaction, then wakes the outbox; resolves after the commit. */
export async function storeLead(
  deps: IntakeDeps,
  lead: NewLead,
  verdict: Classification,
  idemKey?: string,
): Promise<StoredLead> {
  const idem = idempotency(idemKey, lead);
  const result = await inTransaction(deps.db, async (trx) => {
    let spamReason = verdict.spam ? verdict.reason : undefined;
    if (!verdict.spam && verdict.replay && !(await claimReplay(trx, verdict.replay.key, verdict.replay.expiresAt)))
      spamReason = 'pow_replayed';
    const jobs = await jobsFor(trx, deps, lead, Boolean(spamReason));
    const fields = { ...storedFields(lead, deps.config), status: spamReason ? 'spam' : 'new' } as const;
    const stored = await insertLeadIn(trx, deps.clock, fields, jobs, idem);
    if (stored.created && lead.marketing) await requestMarketingOptIn(trx, deps, stored.id, lead.email, !spamReason);
    return { ...stored, spamReason };
  });
  if (result.created) deps.metrics?.leadStored(result.spamReason ? 'spam' : 'new', result.spamReason);
  if (result.created && result.spamReason)
    deps.logger.info({ leadId: result.id, reason: result.spamReason }, 'lead stored as spam');
  else if (result.created) deps.wakeOutbox?.(result.id);
  if (verdict.spam === false && verdict.replay) await pruneReplay(deps.db, iso(deps.clock)).catch(() => {});
  return result;
}
