import { sql } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/connect.ts';
import { uuidv7 } from '../ids.ts';
import type { OutboxDeps, OutcomeEvent } from './worker.ts';

export const ALERT_KIND = 'mail.alert';
/** At most one alert mail per hour, whatever dies meanwhile: the alert counts every dead notification when it is sent. */
export const ALERT_WINDOW_MS = 60 * 60_000;
const WATCHED_KIND = 'mail.notification';

/**
 * Queues an alert job unless one was created in the last hour; true when it queued one. The jobs table is the
 * memory, so the hour holds across instances; on PostgreSQL a transaction lock keeps two instances from both queueing.
 */
export async function queueAlert(db: Db, clock: Clock, inbox: string[]): Promise<boolean> {
  const now = clock();
  const at = now.toISOString();
  return db.kysely.transaction().execute(async (trx) => {
    if (db.dialect === 'postgres')
      await sql`select pg_advisory_xact_lock(hashtextextended(${ALERT_KIND}, 7))`.execute(trx);
    const recent = await trx
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', ALERT_KIND)
      .where('created_at', '>', new Date(now.getTime() - ALERT_WINDOW_MS).toISOString())
      .limit(1)
      .executeTakeFirst();
    if (recent) return false;
    await trx
      .insertInto('jobs')
      .values({
        id: uuidv7(now.getTime()),
        lead_id: null,
        kind: ALERT_KIND,
        target: inbox.join(','),
        state: 'pending',
        next_attempt_at: at,
        lease_until: null,
        last_error: null,
        created_at: at,
        updated_at: at,
        sent_at: null,
      })
      .execute();
    return true;
  });
}

/** Wraps the outbox's outcome hook: a notification that went dead queues an alert to ALERT_INBOX (when set). */
export function withDeadMailAlerts(deps: OutboxDeps): OutboxDeps {
  const inner = deps.onOutcome;
  return {
    ...deps,
    async onOutcome(event: OutcomeEvent) {
      await inner?.(event);
      if (
        event.outcome !== 'dead' ||
        !event.current ||
        event.job.kind !== WATCHED_KIND ||
        !deps.config.alertInbox.length
      )
        return;
      const queued = await queueAlert(deps.db, deps.clock, deps.config.alertInbox);
      deps.logger.warn(
        { jobId: event.job.id, alertQueued: queued },
        queued ? 'outbox: alert mail queued for ALERT_INBOX' : 'outbox: alert already sent this hour',
      );
    },
  };
}
