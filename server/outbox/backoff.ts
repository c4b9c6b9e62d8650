export interface BackoffOptions {
  /** Delay before the second try; doubles per try. */
  baseMs: number;
  /** No wait grows past this. */
  capMs: number;
  /** 0..1, injectable so tests can pin the jitter. */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 30_000, capMs: 60 * 60_000 };

/**
 * Capped exponential backoff with "equal jitter": half the delay is fixed, half random,
 * so retries of many jobs after one outage spread out instead of hitting the server together.
 */
export function retryDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const random = opts.random ?? Math.random;
  const exp = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
