import { type Kysely, sql } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Dialect } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import { uuidv7 } from '../ids.ts';
import { confirmationTarget } from '../outbox/mail-confirmation.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import { insertJobs, recentJobExists } from '../store/jobs.ts';
import { OPTIN_TEXT_VERSION } from './optin-strings.ts';

export const OPTIN_KIND = JOB_KINDS.marketingOptIn;
/** At most one opt-in mail per address in this window, so the form cannot flood someone's inbox. */
export const OPTIN_WINDOW_MS = 24 * 60 * 60_000;
const DAY = 86_400_000;

export interface OptInDeps {
  db: { dialect: Dialect };
  clock: Clock;
  config: Pick<Config, 'MARKETING_CONFIRM_DAYS'>;
}

/**
 * Inside the lead's transaction: a pending consent record, and the opt-in mail job unless one went to the same address
 * in the last 24 hours. Counted in the jobs table, so every instance sees the same history; on PostgreSQL a per-address
 * lock makes two simultaneous posts from one address queue behind each other instead of both seeing none.
 */
export async function requestMarketingOptIn(
  trx: Kysely<Database>,
  deps: OptInDeps,
  leadId: string,
  email: string,
  /** False for spam: recorded, never mailed. */
  mail: boolean,
): Promise<{ mailed: boolean }> {
  const now = deps.clock();
  const at = now.toISOString();
  await trx
    .insertInto('marketing_consents')
    .values({
      id: uuidv7(now.getTime()),
      lead_id: leadId,
      state: 'pending',
      text_version: OPTIN_TEXT_VERSION,
      requested_at: at,
      expires_at: new Date(now.getTime() + deps.config.MARKETING_CONFIRM_DAYS * DAY).toISOString(),
      confirmed_at: null,
    })
    .execute();
  if (!mail) return { mailed: false };
  const target = confirmationTarget(email);
  if (deps.db.dialect === 'postgres')
    await sql`select pg_advisory_xact_lock(hashtextextended(${target}, 8))`.execute(trx);
  if (await recentJobExists(trx, OPTIN_KIND, new Date(now.getTime() - OPTIN_WINDOW_MS), target))
    return { mailed: false };
  await insertJobs(trx, deps.clock, leadId, [{ kind: OPTIN_KIND, target }]);
  return { mailed: true };
}
