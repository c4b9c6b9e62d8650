import { webhookHandlers } from '../webhooks/handler.ts';
import { withDeadMailAlerts } from './alerts.ts';
import { mailAlert } from './alerts-mail.ts';
import { mailConfirmation } from './mail-confirmation.ts';
import { mailNotification } from './mail-notification.ts';
import type { Outbox, OutboxDeps, OutboxOptions } from './worker.ts';
import { createOutbox } from './worker.ts';

export type { Outbox } from './worker.ts';

/** Every job kind this server runs; a new kind (webhook delivery, visitor confirmation) is one more entry. */
export const DEFAULT_HANDLERS = [...webhookHandlers(), mailNotification, mailConfirmation, mailAlert];

/** The in-process outbox worker: call start() after migrations, wake() after each stored lead, stop() on SIGTERM. */
export function startOutbox(deps: OutboxDeps, opts: Partial<OutboxOptions> = {}): Outbox {
  return createOutbox(withDeadMailAlerts(deps), { handlers: DEFAULT_HANDLERS, ...opts });
}
