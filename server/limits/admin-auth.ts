import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppDeps } from '../deps.ts';
import { ERROR_CODES } from '../errors.ts';
import { clientKeyOf } from './lead-limits.ts';
import { lazyLimiter, tooMany } from './limiter.ts';

// A wrong, missing or malformed token (401) and a token in the URL (400 token_in_url) are failed sign-ins alike.
function failedSignIn(c: Context): boolean {
  if (c.res.status === 401) return true;
  const err = c.error;
  return (
    err instanceof HTTPException && (err.cause as { code?: string } | undefined)?.code === ERROR_CODES.TOKEN_IN_URL
  );
}

/**
 * Runs before the bearer guard: each failed sign-in costs the client a point, and once ADMIN_AUTH_FAILURES_PER_HOUR
 * are spent it gets 429 with Retry-After instead of another guess, even with the right token. Successful requests
 * cost nothing. Make one per app and put it in front of every route that takes a token (/api/admin, /metrics),
 * so they share one budget.
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
    if (failedSignIn(c)) await limiter.penalty(key, 1);
  };
}
