import type { OutboxOptions } from '../outbox/outbox-types.ts';
import { WEBHOOK_KIND_PREFIX } from '../store/job-kinds.ts';
import type { DialectName } from './databases.ts';
import { type OutboxFixture, outboxFixture } from './outbox-fixture.ts';
import { type Receiver, startReceiver, TEST_SECRET } from './webhook-receiver.ts';

export interface WebhookFixture {
  f: OutboxFixture;
  receiver: Receiver;
  /** The webhook jobs of a lead, oldest first. */
  deliveries(
    leadId: string,
  ): Promise<
    { id: string; kind: string; target: string | null; state: string; attempts: number; last_error: string | null }[]
  >;
  close(): Promise<void>;
}

/**
 * The outbox fixture (real app, SMTP peer, outbox) with a real webhook receiver as WEBHOOK_URLS. The injected clock
 * starts at the real time, since receivers (standardwebhooks included) refuse a webhook-timestamp more than 5 minutes
 * off.
 */
export async function webhookFixture(
  dialect: DialectName,
  env: (receiverUrl: string) => Record<string, string> = (url) => ({ WEBHOOK_URLS: url }),
  opts: Partial<OutboxOptions> = {},
): Promise<WebhookFixture> {
  const receiver = await startReceiver();
  const f = await outboxFixture(
    dialect,
    { WEBHOOK_SECRET: TEST_SECRET, WEBHOOK_TIMEOUT_MS: '1000', ...env(receiver.url) },
    opts,
  );
  f.h.advance(Date.now() - f.h.deps.clock().getTime());
  return {
    f,
    receiver,
    deliveries: async (leadId) =>
      (
        await f.h.testDb.db.kysely
          .selectFrom('jobs')
          .select(['id', 'kind', 'target', 'state', 'attempts', 'last_error'])
          .where('lead_id', '=', leadId)
          .where('kind', 'like', `${WEBHOOK_KIND_PREFIX}%`)
          .orderBy('created_at')
          .orderBy('id')
          .execute()
      ).map((j) => ({ ...j, attempts: Number(j.attempts) })),
    async close() {
      await f.close();
      await receiver.close();
    },
  };
}
