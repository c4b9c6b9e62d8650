import { PermanentJobError } from '../outbox/failure.ts';
import { type JobContext, type JobHandler, leadOfJob } from '../outbox/handlers.ts';
import { type Resolver, systemResolver } from './guarded-lookup.ts';
import {
  EVENTS,
  leadData,
  messageId,
  signedHeaders,
  WEBHOOK_KINDS,
  type WebhookEvent,
  type WebhookPayload,
} from './payload.ts';
import { postJson } from './post.ts';
import { slackMessage } from './slack.ts';
import { parseTarget, type WebhookTarget } from './targets.ts';
import { classifyWebhookError, WebhookError } from './webhook-error.ts';

async function deliver(ctx: JobContext, event: WebhookEvent, resolver: Resolver): Promise<void> {
  const { job, config, clock } = ctx;
  if (!job.lead_id || !job.target) throw new PermanentJobError('webhook job without lead_id or target');
  const lead = await leadOfJob(ctx);
  let target: WebhookTarget;
  try {
    target = parseTarget(job.target);
  } catch (err) {
    throw new WebhookError('CONFIG', `bad target: ${(err as Error).message}`, true);
  }
  // The event time, not the attempt time: every retry carries the same body.
  const payload: WebhookPayload = { type: event, timestamp: job.created_at, data: leadData(lead) };
  let body: string;
  let headers: Record<string, string> = {};
  if (target.format === 'slack') {
    body = JSON.stringify(slackMessage(payload, config.PUBLIC_URL));
  } else {
    if (!config.WEBHOOK_SECRET)
      throw new WebhookError('CONFIG', 'WEBHOOK_SECRET is not set; set it, restart, then resend this delivery', true);
    body = JSON.stringify(payload);
    headers = signedHeaders(config.WEBHOOK_SECRET, messageId(job.id), clock(), body);
  }
  await postJson(target.url, body, headers, {
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    allowLoopback: config.NODE_ENV !== 'production',
    resolver,
  });
}

/** The outbox handlers for webhook deliveries; they do not count against MAIL_PER_HOUR. */
export function webhookHandlers(opts: { resolver?: Resolver } = {}): JobHandler[] {
  const resolver = opts.resolver ?? systemResolver;
  return EVENTS.map((event) => ({
    kind: WEBHOOK_KINDS[event],
    isMail: false,
    run: (ctx: JobContext) => deliver(ctx, event, resolver),
    classify: classifyWebhookError,
  }));
}
