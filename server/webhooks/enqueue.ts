import type { Kysely } from 'kysely';
import { type Clock, iso } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { uuidv7 } from '../ids.ts';
import { webhookJobs } from './jobs.ts';
import type { WebhookEvent } from './payload.ts';

/** Queues one delivery per configured URL for an existing lead inside the caller's transaction; returns how many. */
export async function enqueueWebhooks(
  trx: Kysely<Database>,
  clock: Clock,
  config: Pick<Config, 'WEBHOOK_URLS'>,
  leadId: string,
  event: WebhookEvent,
): Promise<number> {
  const jobs = webhookJobs(config, event);
  if (!jobs.length) return 0;
  const now = iso(clock);
  await trx
    .insertInto('jobs')
    .values(
      jobs.map((j) => ({
        id: uuidv7(clock().getTime()),
        lead_id: leadId,
        kind: j.kind,
        target: j.target ?? null,
        state: 'pending',
        next_attempt_at: now,
        lease_until: null,
        last_error: null,
        created_at: now,
        updated_at: now,
        sent_at: null,
      })),
    )
    .execute();
  return jobs.length;
}
