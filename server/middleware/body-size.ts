import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { fail } from '../errors.ts';

/**
 * hono's bodyLimit, with the usual case decided from Content-Length alone (Node's parser never reads past it):
 * bodyLimit touches the body stream, which costs @hono/node-server its fast path for reading the body.
 * Chunked bodies still go through bodyLimit, which counts the bytes as they arrive.
 */
export function limitBody(maxSize: number): MiddlewareHandler {
  const tooLarge = () => {
    throw fail(413, `The body may be at most ${maxSize} bytes.`);
  };
  const streamed = bodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streamed(c, next);
    if (Number(length) > maxSize) tooLarge();
    await next();
  };
}
