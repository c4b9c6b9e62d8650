import type { Kysely, Selectable } from 'kysely';
import type { LeadInput, LeadStatus } from '../../shared/api-types.ts';
import type { Locale } from '../../shared/lead-spec.ts';
import { type Clock, iso } from '../clock.ts';
import type { Db } from '../db/connect.ts';
import type { Database, LeadsTable } from '../db/schema.ts';
import { uuidv7 } from '../ids.ts';
import { inTransaction } from './group-commit.ts';
import { insertRows } from './insert-rows.ts';
import { insertJobs, type NewJob } from './jobs.ts';

export type LeadRow = Selectable<LeadsTable>;

/** The stored attribution as an object; a value that is not JSON is kept as `raw` rather than lost. */
export function parseSource(text: string | null): Record<string, string> | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch {
    return { raw: text };
  }
}

/** A validated lead as the intake stores it: the form's fields without its spam signals, in a known language. */
export type NewLead = Omit<LeadInput, 'website' | 'challenge' | 'pow' | 'locale'> & {
  locale: Locale;
  /** Whether the form asked for the privacy consent and the marketing opt-in at all. */
  consentAsked?: boolean;
  marketingAsked?: boolean;
  /** The sales addresses this lead is mailed to, fixed now (SALES_ROUTES or SALES_INBOX). */
  recipients?: string[];
  status?: LeadStatus;
};

export interface Idempotency {
  key: string;
  bodyHash: string;
}

export type InsertResult = { id: string; created: boolean };

export class IdempotencyConflict extends Error {
  constructor() {
    super('idempotency key reused with a different body');
  }
}

/** Writes the lead, its jobs and its idempotency row in one transaction; resolves only after the commit. */
export async function insertLead(
  db: Db,
  clock: Clock,
  lead: NewLead,
  jobs: NewJob[],
  idem?: Idempotency,
): Promise<InsertResult> {
  return inTransaction(db, (trx) => insertLeadIn(trx, clock, lead, jobs, idem));
}

export async function insertLeadIn(
  trx: Kysely<Database>,
  clock: Clock,
  lead: NewLead,
  jobs: NewJob[],
  idem?: Idempotency,
): Promise<InsertResult> {
  const now = iso(clock);
  const id = uuidv7(clock().getTime());
  if (idem) {
    // Claim the key first: on PostgreSQL a concurrent twin waits here until the winner commits.
    const claimed = await trx
      .insertInto('idempotency_keys')
      .values({ key: idem.key, lead_id: id, body_hash: idem.bodyHash, created_at: now })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!claimed) {
      const prior = await trx
        .selectFrom('idempotency_keys')
        .select(['lead_id', 'body_hash'])
        .where('key', '=', idem.key)
        .executeTakeFirstOrThrow();
      if (prior.body_hash !== idem.bodyHash) throw new IdempotencyConflict();
      return { id: prior.lead_id, created: false };
    }
  }
  await insertRows(trx, 'leads', [
    {
      id,
      created_at: now,
      updated_at: now,
      status: lead.status ?? 'new',
      name: lead.name,
      email: lead.email,
      company: lead.company || null,
      phone: lead.phone || null,
      topic: lead.topic || null,
      message: lead.message,
      locale: lead.locale,
      consent: lead.consent ? 1 : 0,
      consent_version: lead.consentVersion || null,
      marketing: lead.marketing ? 1 : 0,
      source: lead.source && Object.keys(lead.source).length ? JSON.stringify(lead.source) : null,
      note: null,
      assignee: null,
      recipients: lead.recipients?.length ? JSON.stringify(lead.recipients) : null,
      consent_asked: lead.consentAsked === undefined ? null : Number(lead.consentAsked),
      marketing_asked: lead.marketingAsked === undefined ? null : Number(lead.marketingAsked),
    },
  ]);
  await insertJobs(trx, clock, id, jobs);
  return { id, created: true };
}
