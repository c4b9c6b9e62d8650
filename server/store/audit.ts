import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { uuidv7 } from '../ids.ts';

export type AuditEntry = [action: string, detail: string | null];

/** Appends to a lead's audit trail inside the caller's transaction; the details must hold no personal data. */
export async function writeAudit(trx: Kysely<Database>, leadId: string, at: string, entries: AuditEntry[]) {
  if (!entries.length) return;
  // uuidv7 is random within a millisecond; sorted ids keep one change's entries in the order they were made.
  const ids = entries.map(() => uuidv7(Date.parse(at))).sort();
  await trx
    .insertInto('audit_log')
    .values(entries.map(([action, detail], i) => ({ id: ids[i], lead_id: leadId, at, action, detail })))
    .execute();
}
