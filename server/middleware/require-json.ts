import type { MiddlewareHandler } from 'hono';
import { fail } from '../errors.ts';

const JSON_TYPE = /^application\/json\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*("?)([^";\s]*)\1/i;

/** The charset a Content-Type names, lower-cased and unquoted; undefined when it names none. */
export function declaredCharset(type: string): string | undefined {
  return CHARSET.exec(type)?.[2].toLowerCase();
}

/**
 * Refuses anything but application/json in UTF-8. A text/plain POST skips the CORS preflight, and hono's json
 * validator would read it as `{}`, so the type is checked here before the body is touched. The body is always
 * decoded as UTF-8, so another charset would store its umlauts as U+FFFD.
 */
export const requireJson: MiddlewareHandler = async (c, next) => {
  const type = c.req.header('content-type') ?? '';
  if (!JSON_TYPE.test(type)) {
    throw fail(415, 'Send the body as Content-Type: application/json.');
  }
  const charset = declaredCharset(type);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw fail(415, `Send the body in UTF-8 (Content-Type: application/json; charset=utf-8), not ${charset}.`);
  }
  await next();
};
