import type { Config } from '../config.ts';
import type { NewJob } from '../store/jobs.ts';
import { WEBHOOK_KINDS, type WebhookEvent } from './payload.ts';
import { SLACK } from './targets.ts';

/** One delivery job per configured URL; chat channels hear of new leads only, not of every status change. */
export function webhookJobs(config: Pick<Config, 'WEBHOOK_URLS'>, event: WebhookEvent): NewJob[] {
  return config.WEBHOOK_URLS.filter((raw) => event === 'lead.created' || !raw.startsWith(SLACK)).map((target) => ({
    kind: WEBHOOK_KINDS[event],
    target,
  }));
}
