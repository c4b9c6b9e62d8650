import { ERROR_CODES } from '../errors.ts';
import { clip, type Failure, PermanentJobError } from '../outbox/failure.ts';

/** Stable codes kept in jobs.last_error, so an admin can tell a refused target from a flaky receiver. */
export const WEBHOOK_CODES = {
  HTTP: ERROR_CODES.WEBHOOK_HTTP,
  GONE: ERROR_CODES.WEBHOOK_GONE,
  REDIRECT: ERROR_CODES.WEBHOOK_REDIRECT,
  TIMEOUT: ERROR_CODES.WEBHOOK_TIMEOUT,
  NETWORK: ERROR_CODES.WEBHOOK_NETWORK,
  BLOCKED: ERROR_CODES.WEBHOOK_BLOCKED,
  CONFIG: ERROR_CODES.WEBHOOK_CONFIG,
} as const;

export class WebhookError extends Error {
  readonly code: string;
  readonly permanent: boolean;
  constructor(code: keyof typeof WEBHOOK_CODES, message: string, permanent = false) {
    super(message);
    this.code = WEBHOOK_CODES[code];
    this.permanent = permanent;
  }
}

/**
 * 410 Gone, a refused address and a missing secret are permanent; every other fault is retried with the outbox backoff.
 */
export function classifyWebhookError(err: unknown): Failure {
  if (err instanceof WebhookError) return { permanent: err.permanent, error: clip(`${err.code}: ${err.message}`) };
  if (err instanceof PermanentJobError) return { permanent: true, error: clip(err.message) };
  const e = (err ?? {}) as { code?: string; message?: string };
  return {
    permanent: false,
    error: clip(`${WEBHOOK_CODES.NETWORK}: ${e.code ? `${e.code} ` : ''}${e.message ?? String(err)}`),
  };
}
