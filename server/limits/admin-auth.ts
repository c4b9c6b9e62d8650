import type { MiddlewareHandler } from 'hono';
import type { AppDeps } from '../deps.ts';
import { clientKeyOf } from './lead-limits.ts';
import { lazyLimiter, tooMany } from './limiter.ts';

/**
 * Runs before bearer auth: each 401 costs the client a point, and once ADMIN_AUTH_FAILURES_PER_HOUR are spent
 * it gets 429 with Retry-After instead of another guess. Successful requests cost nothing.
 */
export function adminAuthLimiter(deps: Pick<AppDeps, 'config' | 'db' | 'clock'>): MiddlewareHandler {
  const points = deps.config.ADMIN_AUTH_FAILURES_PER_HOUR;
  const failures = lazyLimiter(deps.db, { keyPrefix: 'admin_auth', points, duration: 3600 });
  const keyOf = clientKeyOf(deps);
  return async (c, next) => {
    const limiter = await failures();
    if (!limiter) return next();
    const key = await keyOf(c);
    const used = await limiter.get(key);
    if (used && used.consumedPoints >= points) {
      return tooMany(c, used.msBeforeNext, 'Too many failed sign-ins from your connection; try again in {s} seconds.');
    }
    await next();
    if (c.res.status === 401) await limiter.penalty(key, 1);
  };
}
