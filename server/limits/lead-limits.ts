import type { MiddlewareHandler } from 'hono';
import type { AppDeps } from '../deps.ts';
import { spamKeys } from '../spam/secret.ts';
import { clientAddress, clientKey } from './client-key.ts';
import { isLimited, lazyLimiter, tooMany } from './limiter.ts';
import { parseTrustProxy } from './trust-proxy.ts';

/** The keyed client hash, shared by every limit of one app. */
export function clientKeyOf(deps: Pick<AppDeps, 'config' | 'db' | 'clock'>) {
  const trust = parseTrustProxy(deps.config.TRUST_PROXY);
  return async (c: Parameters<MiddlewareHandler>[0]) =>
    clientKey(clientAddress(c, trust), (await spamKeys(deps)).client);
}

/** RATE_LIMIT_PER_MINUTE and RATE_LIMIT_PER_DAY per client on every lead post, junk included. */
export function leadRateLimit(deps: Pick<AppDeps, 'config' | 'db' | 'clock'>): MiddlewareHandler {
  const perMinute = lazyLimiter(deps.db, {
    keyPrefix: 'lead_minute',
    points: deps.config.RATE_LIMIT_PER_MINUTE,
    duration: 60,
  });
  const perDay = lazyLimiter(deps.db, {
    keyPrefix: 'lead_day',
    points: deps.config.RATE_LIMIT_PER_DAY,
    duration: 86_400,
  });
  const keyOf = clientKeyOf(deps);
  const off = deps.config.RATE_LIMIT_PER_MINUTE <= 0 && deps.config.RATE_LIMIT_PER_DAY <= 0;
  return async (c, next) => {
    if (off) return next();
    const key = await keyOf(c);
    for (const limiter of [await perMinute(), await perDay()]) {
      try {
        await limiter?.consume(key);
      } catch (err) {
        if (isLimited(err))
          return tooMany(
            c,
            err.msBeforeNext,
            'Too many inquiries from your connection; please try again in {s} seconds.',
          );
        throw err;
      }
    }
    await next();
  };
}
