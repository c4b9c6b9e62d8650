import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { HTTPException } from 'hono/http-exception';
import { fail } from '../errors.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();
const QUERY_TOKEN_NAMES = new Set([
  'token',
  'access_token',
  'auth',
  'authorization',
  'bearer',
  'api_key',
  'apikey',
  'key',
]);

/**
 * Guards /api/admin: answers are never cached, the API is 404 without ADMIN_TOKEN, a token in the URL is refused
 * (URLs end up in logs and browser history), and the bearer token is compared in constant time by hono's bearer-auth.
 */
export function adminGuard(token: string | undefined): MiddlewareHandler[] {
  const noStore: MiddlewareHandler = async (c, next) => {
    c.header('Cache-Control', 'no-store');
    await next();
  };
  if (!token) {
    const off: MiddlewareHandler = async () => {
      throw fail(404, 'The admin API is off; set ADMIN_TOKEN (32+ characters) to enable it.');
    };
    return [noStore, off];
  }
  const expected = digest(token);
  const refuseQueryToken: MiddlewareHandler = async (c, next) => {
    for (const [name, values] of Object.entries(c.req.queries())) {
      const leaked =
        QUERY_TOKEN_NAMES.has(name.toLowerCase()) || values.some((v) => timingSafeEqual(digest(v), expected));
      if (leaked)
        throw fail(
          400,
          'Send the admin token only in the Authorization: Bearer header, never in the URL.',
          'token_in_url',
        );
    }
    await next();
  };
  const check = bearerAuth({ token, realm: 'admin' });
  // Runs bearer-auth alone so its refusal can get a helpful message while keeping its WWW-Authenticate header.
  const auth: MiddlewareHandler = async (c, next) => {
    try {
      await check(c, async () => {});
    } catch (err) {
      if (!(err instanceof HTTPException)) throw err;
      const hint =
        err.status === 400
          ? 'Malformed Authorization header; send Authorization: Bearer <ADMIN_TOKEN>.'
          : 'Send Authorization: Bearer <ADMIN_TOKEN>.';
      throw new HTTPException(err.status, { message: hint, res: err.getResponse() });
    }
    await next();
  };
  return [noStore, refuseQueryToken, auth];
}
