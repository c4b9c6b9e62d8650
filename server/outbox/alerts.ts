import { sql } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/connect.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import { insertJobs, recentJobExists } from '../store/jobs.ts';
import type { OutboxDeps, OutcomeEvent } from './outbox-types.ts';

/**
 * At most one alert mail per hour, whatever dies meanwhile: the alert counts every dead notification when it is sent.
 */
export const ALERT_WINDOW_MS = 60 * 60_000;

/**
 * Queues an alert job unless one was created in the last hour; true when it queued one. The jobs table is the
 * memory, so the hour holds across instances; on PostgreSQL a transaction lock keeps two instances from both queueing.
 */
export async function queueAlert(db: Db, clock: Clock, inbox: string[]): Promise<boolean> {
  return db.kysely.transaction().execute(async (trx) => {
    if (db.dialect === 'postgres')
      await sql`select pg_advisory_xact_lock(hashtextextended(${JOB_KINDS.alert}, 7))`.execute(trx);
    const since = new Date(clock().getTime() - ALERT_WINDOW_MS);
    if (await recentJobExists(trx, JOB_KINDS.alert, since)) return false;
    await insertJobs(trx, clock, null, [{ kind: JOB_KINDS.alert, target: inbox.join(',') }]);
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
        event.job.kind !== JOB_KINDS.notification ||
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
