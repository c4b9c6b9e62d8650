import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { ERROR_CODES, fail } from '../errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const EXPOSED = ['Retry-After', 'Idempotent-Replayed'];

/**
 * CORS from an allowlist, never `*`, and no credentials. CORS alone only hides answers from scripts, so a
 * state-changing request that names a foreign Origin is refused outright with 403.
 */
export function originGuard(allowed: readonly string[]): MiddlewareHandler[] {
  const allow = new Set(allowed);
  const guard: MiddlewareHandler = async (c, next) => {
    const origin = c.req.header('origin');
    if (origin && !SAFE_METHODS.has(c.req.method) && !allow.has(origin)) {
      throw fail(403, 'This origin may not post here; add it to ALLOWED_ORIGINS.', ERROR_CODES.ORIGIN_NOT_ALLOWED);
    }
    await next();
  };
  const preflight = cors({
    origin: (origin) => (allow.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Idempotency-Key', 'Authorization'],
    exposeHeaders: EXPOSED,
    maxAge: 600,
  });
  // hono's cors writes into c.res before the route answers, so hono then copies the answer into a full web Response
  // with a stream body (about a tenth of a lead's CPU on @hono/node-server). These headers go in up front instead.
  const simple: MiddlewareHandler = async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    const origin = c.req.header('origin');
    if (origin && allow.has(origin)) c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Expose-Headers', EXPOSED.join(','));
    await next();
  };
  return [simple, guard];
}

/** Answers may differ by Origin, so every answer says so to caches. */
export const varyOrigin: MiddlewareHandler = async (c, next) => {
  await next();
  const vary = c.res.headers.get('Vary');
  if (!vary || !/(^|,)\s*origin\s*(,|$)/i.test(vary)) c.res.headers.set('Vary', vary ? `${vary}, Origin` : 'Origin');
};
