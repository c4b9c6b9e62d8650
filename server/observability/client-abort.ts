import type { Context } from 'hono';

/** nginx's status for a client that closed the connection first: a client error, counted with the 4xx. */
export const CLIENT_CLOSED_REQUEST = 499;

/** True when the error is the client hanging up before its body arrived, not a fault of the server. */
export function isClientAbort(err: unknown, c: Context): boolean {
  if (c.req.raw.signal?.aborted) return true;
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  return (e.code === 'ECONNRESET' && e.message === 'aborted') || e.code === 'ERR_STREAM_PREMATURE_CLOSE';
}
