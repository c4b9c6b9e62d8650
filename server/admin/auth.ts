import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { ERROR_CODES, fail } from '../errors.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();
// Query parameters that can only mean a credential; refused whatever their value, so the answer says nothing about it.
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
// RFC 6750's b64token; the scheme name is case-insensitive (RFC 7235).
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

export interface BearerGuardOptions {
  /** Accepted tokens; any one of them lets the request through. */
  tokens: string[];
  /** The realm of the WWW-Authenticate challenge. */
  realm: string;
  /** Names the setting in messages, e.g. ADMIN_TOKEN. */
  setting: string;
  logger?: Logger;
}

function unauthorized(realm: string, message: string, error?: string): HTTPException {
  const challenge = `Bearer realm="${realm}"${error ? `, error="${error}"` : ''}`;
  const res = new Response(null, { status: 401, headers: { 'WWW-Authenticate': challenge } });
  return new HTTPException(401, { message, res });
}

/**
 * A token in the URL is refused by parameter name (URLs end up in logs and browser history); a missing, malformed
 * or wrong Authorization header gets 401 with a Bearer challenge. Tokens are compared in constant time, and a query
 * value equal to a token answers exactly like any other value (only a warning in the log), so it is no oracle.
 */
export function bearerGuard(opts: BearerGuardOptions): MiddlewareHandler[] {
  const expected = opts.tokens.map(digest);
  const matches = (candidate: string) => {
    const given = digest(candidate);
    let hit = false;
    for (const e of expected) hit = timingSafeEqual(given, e) || hit;
    return hit;
  };
  const refuseQueryToken: MiddlewareHandler = async (c, next) => {
    for (const [name, values] of Object.entries(c.req.queries())) {
      if (QUERY_TOKEN_NAMES.has(name.toLowerCase()))
        throw fail(
          400,
          `Send the token only in the Authorization: Bearer header, never in the URL (remove "${name}").`,
          ERROR_CODES.TOKEN_IN_URL,
        );
      if (values.some(matches))
        opts.logger?.warn({ param: name }, `${opts.setting} was sent in a URL; it may be in logs now, rotate it`);
    }
    await next();
  };
  const send = `send Authorization: Bearer <${opts.setting}>.`;
  const checkBearer: MiddlewareHandler = async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) throw unauthorized(opts.realm, `Unauthorized; ${send}`);
    const token = BEARER.exec(header)?.[1];
    // Another scheme gets a bare challenge (RFC 6750 3.1); a malformed or wrong bearer token is an invalid token.
    if (token === undefined && !/^bearer\b/i.test(header))
      throw unauthorized(opts.realm, `Unsupported authorization scheme; ${send}`);
    if (token === undefined) throw unauthorized(opts.realm, `Malformed Authorization header; ${send}`, 'invalid_token');
    if (!matches(token)) throw unauthorized(opts.realm, `Wrong token; ${send}`, 'invalid_token');
    await next();
  };
  return [refuseQueryToken, checkBearer];
}

/** Guards /api/admin: answers are never cached, the API is 404 without ADMIN_TOKEN, otherwise the bearer guard. */
export function adminGuard(token: string | undefined, logger?: Logger): MiddlewareHandler[] {
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
  return [noStore, ...bearerGuard({ tokens: [token], realm: 'admin', setting: 'ADMIN_TOKEN', logger })];
}
