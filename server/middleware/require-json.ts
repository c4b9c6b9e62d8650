import type { MiddlewareHandler } from 'hono';
import { fail } from '../errors.ts';

/**
 * Refuses anything but application/json. A text/plain POST skips the CORS preflight, and hono's json
 * validator would read it as `{}`, so the type is checked here before the body is touched.
 */
export const requireJson: MiddlewareHandler = async (c, next) => {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw fail(415, 'Send the body as Content-Type: application/json.');
  }
  await next();
};
