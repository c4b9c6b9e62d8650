import type { Context } from 'hono';
import { ERROR_CODES, fail } from '../errors.ts';

/** The request body parsed as JSON; a body that is not JSON gets a 400, never a 500. */
export async function readJson(c: Context): Promise<unknown> {
  try {
    return JSON.parse(await c.req.text());
  } catch {
    throw fail(400, 'The body is not valid JSON.', ERROR_CODES.INVALID_JSON);
  }
}
