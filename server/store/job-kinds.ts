/** Every kind of job (jobs.kind), spelled once; server/start-outbox.ts wires a handler to each. */
export const JOB_KINDS = {
  notification: 'mail.notification',
  confirmation: 'mail.confirmation',
  marketingOptIn: 'mail.marketing_optin',
  alert: 'mail.alert',
  webhookCreated: 'webhook.lead.created',
  webhookUpdated: 'webhook.lead.updated',
} as const;

export type JobKind = (typeof JOB_KINDS)[keyof typeof JOB_KINDS];

export const MAIL_KIND_PREFIX = 'mail.';
export const WEBHOOK_KIND_PREFIX = 'webhook.';
export const isWebhookKind = (kind: string) => kind.startsWith(WEBHOOK_KIND_PREFIX);
