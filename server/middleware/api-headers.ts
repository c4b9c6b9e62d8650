import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/** API answers are data, never a page: nothing may load from them and no site may frame them. */
export const apiSecureHeaders = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  crossOriginResourcePolicy: false,
  crossOriginOpenerPolicy: false,
});

/** Says UTF-8 on every JSON answer, so no client guesses another charset. */
export const jsonCharset: MiddlewareHandler = async (c, next) => {
  await next();
  const type = c.res.headers.get('Content-Type');
  if (type && /^application\/json\s*$/i.test(type))
    c.res.headers.set('Content-Type', 'application/json; charset=utf-8');
};
