import { nextDueAt } from '../store/jobs.ts';
import type { OutboxDeps } from './outbox-types.ts';

// Never re-poll faster than this, even when a due job is held by another instance.
const MIN_WAIT_MS = 25;

/** Milliseconds to the next tick: the next due job or the freed mail cap, if sooner than the poll interval. */
export async function nextWait(
  deps: Pick<OutboxDeps, 'db' | 'clock' | 'logger'>,
  kinds: string[],
  capFreesAt: Date | undefined,
  pollMs: number,
): Promise<number> {
  try {
    const due = [await nextDueAt(deps.db, kinds), capFreesAt].filter((d): d is Date => Boolean(d));
    const soonest = Math.min(...due.map((d) => d.getTime()));
    if (Number.isFinite(soonest)) return Math.min(pollMs, Math.max(MIN_WAIT_MS, soonest - deps.clock().getTime()));
  } catch (err) {
    if (!deps.db.health.report(err)) deps.logger.warn({ err }, 'outbox: could not read the next due time; polling');
  }
  return pollMs;
}
