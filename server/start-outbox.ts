import { mailMarketingOptIn } from './consent/optin-handler.ts';
import { withDeadMailAlerts } from './outbox/alerts.ts';
import { mailAlert } from './outbox/alerts-mail.ts';
import { mailConfirmation } from './outbox/mail-confirmation.ts';
import { mailNotification } from './outbox/mail-notification.ts';
import type { Outbox, OutboxDeps, OutboxOptions } from './outbox/outbox-types.ts';
import { createOutbox } from './outbox/worker.ts';
import { webhookHandlers } from './webhooks/handler.ts';

export type { Outbox } from './outbox/outbox-types.ts';

/** Every job kind this server runs, wired here so the outbox knows no feature and each feature knows the outbox. */
export const DEFAULT_HANDLERS = [
  ...webhookHandlers(),
  mailNotification,
  mailConfirmation,
  mailMarketingOptIn,
  mailAlert,
];

/** The in-process outbox worker: call start() after migrations, wake() after each stored lead, stop() on SIGTERM. */
export function startOutbox(deps: OutboxDeps, opts: Partial<OutboxOptions> = {}): Outbox {
  return createOutbox(withDeadMailAlerts(deps), { handlers: DEFAULT_HANDLERS, ...opts });
}
