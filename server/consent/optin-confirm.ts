import type { Locale } from '../../shared/lead-spec.ts';
import type { AppDeps } from '../deps.ts';
import { uuidv7 } from '../ids.ts';
import { enqueueWebhooks } from '../webhooks/enqueue.ts';
import type { PageKind } from './optin-strings.ts';
import { optInKey, verifyOptIn } from './optin-token.ts';

export interface OptInLookup {
  kind: PageKind;
  locale?: Locale;
  name?: string;
  leadId?: string;
}

type Deps = Pick<AppDeps, 'config' | 'db' | 'clock'>;
const localeOf = (l: string): Locale => (l === 'en' ? 'en' : 'de');

/** What a link points at, read only: GET shows this and changes nothing. */
export async function lookupOptIn(deps: Deps, token: unknown): Promise<OptInLookup> {
  const check = verifyOptIn(await optInKey(deps), token);
  if (!check.ok) return { kind: 'invalid' };
  const row = await deps.db.kysely
    .selectFrom('marketing_consents')
    .innerJoin('leads', 'leads.id', 'marketing_consents.lead_id')
    .select(['marketing_consents.state', 'marketing_consents.expires_at', 'leads.id', 'leads.name', 'leads.locale'])
    .where('marketing_consents.id', '=', check.consentId)
    .executeTakeFirst();
  const now = deps.clock().getTime();
  // Erased (Art. 17 or retention): the record is gone, and with it every link to it.
  if (!row) return { kind: check.expiresAt <= now ? 'expired' : 'gone' };
  const base = { locale: localeOf(row.locale), leadId: row.id };
  if (row.state === 'confirmed') return { ...base, kind: 'already' };
  if (Date.parse(row.expires_at) <= now) return { ...base, kind: 'expired' };
  return { ...base, kind: 'ask', name: row.name };
}

/**
 * The button: confirms a pending, unexpired record exactly once, marks the lead's marketing consent, writes the audit
 * entry and queues lead.updated webhooks, all in one transaction. Anything else changes nothing.
 */
export async function confirmOptIn(deps: Deps, token: unknown): Promise<OptInLookup> {
  const check = verifyOptIn(await optInKey(deps), token);
  if (!check.ok) return { kind: 'invalid' };
  const pg = deps.db.dialect === 'postgres';
  return deps.db.kysely.transaction().execute(async (trx) => {
    const now = deps.clock();
    const at = now.toISOString();
    const row = await trx
      .selectFrom('marketing_consents')
      .select(['id', 'lead_id', 'state', 'expires_at'])
      .where('id', '=', check.consentId)
      .$if(pg, (q) => q.forUpdate())
      .executeTakeFirst();
    if (!row) return { kind: check.expiresAt <= now.getTime() ? 'expired' : 'gone' };
    const lead = await trx
      .selectFrom('leads')
      .select(['id', 'locale'])
      .where('id', '=', row.lead_id)
      .executeTakeFirstOrThrow();
    const base = { locale: localeOf(lead.locale), leadId: lead.id };
    if (row.state === 'confirmed') return { ...base, kind: 'already' };
    if (Date.parse(row.expires_at) <= now.getTime()) return { ...base, kind: 'expired' };
    const done = await trx
      .updateTable('marketing_consents')
      .set({ state: 'confirmed', confirmed_at: at })
      .where('id', '=', row.id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    if (!Number(done.numUpdatedRows)) return { ...base, kind: 'already' };
    await trx.updateTable('leads').set({ marketing: 1, updated_at: at }).where('id', '=', lead.id).execute();
    await trx
      .insertInto('audit_log')
      .values({ id: uuidv7(now.getTime()), lead_id: lead.id, at, action: 'marketing', detail: 'pending->confirmed' })
      .execute();
    await enqueueWebhooks(trx, deps.clock, deps.config, lead.id, 'lead.updated');
    return { ...base, kind: 'confirmed' };
  });
}
