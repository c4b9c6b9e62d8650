import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { insertJobs } from '../store/jobs.ts';
import { webhookJobs } from './jobs.ts';
import type { WebhookEvent } from './payload.ts';

/** Queues one delivery per configured URL for an existing lead inside the caller's transaction; returns how many. */
export function enqueueWebhooks(
  trx: Kysely<Database>,
  clock: Clock,
  config: Pick<Config, 'WEBHOOK_URLS'>,
  leadId: string,
  event: WebhookEvent,
): Promise<number> {
  return insertJobs(trx, clock, leadId, webhookJobs(config, event));
}
