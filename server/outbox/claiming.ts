import { sentSince } from '../store/jobs.ts';
import type { HandlerMap } from './handlers.ts';
import type { OutboxDeps } from './outbox-types.ts';

const HOUR = 60 * 60_000;

export interface JobKinds {
  all: string[];
  mail: string[];
  other: string[];
}

export function kindsOf(handlers: HandlerMap): JobKinds {
  const all = Object.keys(handlers);
  return { all, mail: all.filter((k) => handlers[k].isMail), other: all.filter((k) => !handlers[k].isMail) };
}

/** What a claim may take; under a full MAIL_PER_HOUR only the other kinds, until `capFreesAt`. */
export interface Allowance {
  kinds: string[];
  limit: number;
  capFreesAt?: Date;
}

/** MAIL_PER_HOUR counts sent attempts in job_attempts, so every instance sees the same hour. */
export async function allowance(
  deps: Pick<OutboxDeps, 'config' | 'db' | 'clock'>,
  kinds: JobKinds,
  free: number,
  inFlightMail: number,
  pollMs: number,
): Promise<Allowance> {
  const { config, db, clock } = deps;
  if (!config.MAIL_PER_HOUR || !kinds.mail.length) return { kinds: kinds.all, limit: free };
  const { count, oldest } = await sentSince(db, kinds.mail, new Date(clock().getTime() - HOUR));
  const budget = config.MAIL_PER_HOUR - count - inFlightMail;
  if (budget > 0) return { kinds: kinds.all, limit: Math.min(free, budget) };
  const capFreesAt = oldest ? new Date(Date.parse(oldest) + HOUR) : new Date(clock().getTime() + pollMs);
  return { kinds: kinds.other, limit: free, capFreesAt };
}

export type AllowanceCheck = (free: number, inFlightMail: number) => Promise<Allowance>;

/**
 * `allowance` that counts the hour's sends once per full cap: the count only grows until its oldest send leaves the
 * hour, and the budget only frees before that when a mail in flight ends unsent (counting costs ms per 1,000 sends).
 */
export function rememberFullCap(
  deps: Pick<OutboxDeps, 'config' | 'db' | 'clock'>,
  kinds: JobKinds,
  pollMs: number,
): AllowanceCheck {
  let full: { until: Date; inFlightMail: number } | undefined;
  return async (free, inFlightMail) => {
    if (full && deps.clock() < full.until && inFlightMail === full.inFlightMail)
      return { kinds: kinds.other, limit: free, capFreesAt: full.until };
    const allowed = await allowance(deps, kinds, free, inFlightMail, pollMs);
    full = allowed.capFreesAt && { until: allowed.capFreesAt, inFlightMail };
    return allowed;
  };
}
