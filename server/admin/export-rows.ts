import { SOURCE_KEYS } from '../../shared/lead-spec.ts';
import { type LeadRow, parseSource } from '../store/leads.ts';
import { marketingConfirmed } from '../store/marketing-consent.ts';
import { csvRow } from './csv.ts';
import { toAdminLead } from './lead-queries.ts';

export const CSV_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'status',
  'name',
  'email',
  'company',
  'phone',
  'topic',
  'message',
  'locale',
  'consent',
  'consent_version',
  'marketing',
  'note',
  'assignee',
  'mail_state',
  ...SOURCE_KEYS,
] as const;

/** One lead as a CSV line, in the order of CSV_COLUMNS; `mailState` is the notification's state or ''. */
export function csvLine(r: LeadRow, mailState: string, sep: string): string {
  const attribution = parseSource(r.source);
  return csvRow(
    [
      r.id,
      r.created_at,
      r.updated_at,
      r.status,
      r.name,
      r.email,
      r.company,
      r.phone,
      r.topic,
      r.message,
      r.locale,
      Number(r.consent),
      r.consent_version,
      Number(marketingConfirmed(r)),
      r.note,
      r.assignee,
      mailState,
      ...SOURCE_KEYS.map((k) => attribution?.[k]),
    ],
    sep,
  );
}

/** One lead as an NDJSON line: the admin lead with its consent, attribution and mail state. */
export function ndjsonLine(r: LeadRow, mailState: string): string {
  const lead = {
    ...toAdminLead(r),
    consent: Boolean(Number(r.consent)),
    consentVersion: r.consent_version,
    attribution: parseSource(r.source),
    mailState: mailState || null,
  };
  return `${JSON.stringify(lead)}\n`;
}
