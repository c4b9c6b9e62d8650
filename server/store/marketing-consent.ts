import type { Kysely, Selectable } from 'kysely';
import type { Database, LeadsTable, MarketingConsentsTable } from '../db/schema.ts';

export const MARKETING_STATES = ['not_asked', 'declined', 'pending', 'confirmed', 'unconfirmed'] as const;
/**
 * not_asked: the form showed no opt-in; declined: shown, left unticked; pending: ticked, link mailed, not yet
 * confirmed; confirmed: the address owner pressed the button; unconfirmed: ticked before double opt-in existed.
 */
export type MarketingState = (typeof MARKETING_STATES)[number];

export type ConsentRecord = Selectable<MarketingConsentsTable>;
type LeadFlags = Pick<LeadsTable, 'marketing' | 'marketing_asked'>;

/** True only for an opt-in the address owner confirmed: a ticked box alone is no proof (UWG §7, DSGVO Art. 7(1)). */
export function marketingConfirmed(lead: LeadFlags): boolean {
  // Leads from before double opt-in (marketing_asked null) were never confirmed, whatever their box said.
  return Number(lead.marketing) === 1 && lead.marketing_asked !== null;
}

export function marketingState(lead: LeadFlags, record: ConsentRecord | undefined): MarketingState {
  if (record) return record.state === 'confirmed' ? 'confirmed' : 'pending';
  if (lead.marketing_asked === null) return Number(lead.marketing) === 1 ? 'unconfirmed' : 'not_asked';
  return Number(lead.marketing_asked) === 1 ? (marketingConfirmed(lead) ? 'confirmed' : 'declined') : 'not_asked';
}

export function consentRecord(db: Kysely<Database>, leadId: string): Promise<ConsentRecord | undefined> {
  return db.selectFrom('marketing_consents').selectAll().where('lead_id', '=', leadId).executeTakeFirst();
}

/** The marketing part of the admin lead detail and the Art. 15 export. */
export async function marketingDetail(db: Kysely<Database>, lead: LeadFlags & { id: string }) {
  const record = await consentRecord(db, lead.id);
  return {
    state: marketingState(lead, record),
    requestedAt: record?.requested_at ?? null,
    expiresAt: record?.expires_at ?? null,
    confirmedAt: record?.confirmed_at ?? null,
    textVersion: record?.text_version ?? null,
  };
}
