import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import type { ValidationIssue } from '../shared/api-types.ts';
import type { Locale } from '../shared/lead-spec.ts';
import { CLIENT_CLOSED_REQUEST, isClientAbort } from './observability/client-abort.ts';
import { capIssues } from './validation-cap.ts';

/** The one table of error codes: HTTP answers by status, infrastructure faults by cause. */
export const ERROR_CODES = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  499: 'client_closed_request',
  500: 'internal',
  503: 'unavailable',
  // answers more specific than their status
  VALIDATION: 'validation',
  INVALID_JSON: 'invalid_json',
  INVALID_CURSOR: 'invalid_cursor',
  TOKEN_IN_URL: 'token_in_url',
  ORIGIN_NOT_ALLOWED: 'origin_not_allowed',
  IDEMPOTENCY_CONFLICT: 'idempotency_conflict',
  MAIL_IN_PROGRESS: 'mail_in_progress',
  DELIVERY_IN_PROGRESS: 'delivery_in_progress',
  NOTHING_TO_RESEND: 'nothing_to_resend',
  // infrastructure
  DB_UNAVAILABLE: 'E_DB_UNAVAILABLE',
  DB_MIGRATING: 'E_DB_MIGRATING',
  DB_BUSY: 'E_DB_BUSY',
  DB_DISK_FULL: 'E_DB_DISK_FULL',
  DB_IO: 'E_DB_IO',
  DB_FILE_GONE: 'E_DB_FILE_GONE',
  DB_MISSING: 'E_DB_MISSING',
  SMTP_TEMPORARY: 'E_SMTP_TEMPORARY',
  SMTP_PERMANENT: 'E_SMTP_PERMANENT',
  SMTP_NETWORK: 'E_SMTP_NETWORK',
  TOO_MANY_TRIES: 'E_TOO_MANY_TRIES',
  WEBHOOK_HTTP: 'E_WEBHOOK_HTTP',
  WEBHOOK_GONE: 'E_WEBHOOK_GONE',
  WEBHOOK_REDIRECT: 'E_WEBHOOK_REDIRECT',
  WEBHOOK_TIMEOUT: 'E_WEBHOOK_TIMEOUT',
  WEBHOOK_NETWORK: 'E_WEBHOOK_NETWORK',
  WEBHOOK_BLOCKED: 'E_WEBHOOK_BLOCKED',
  WEBHOOK_CONFIG: 'E_WEBHOOK_CONFIG',
  WIDGET_NOT_BUILT: 'E_WIDGET_NOT_BUILT',
  ERASE_UNSCRUBBED: 'E_ERASE_UNSCRUBBED',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** A 422 that carries field issues, capped in number; the onError handler renders them. */
export function validationFailed(issues: ValidationIssue[], locale?: Locale): HTTPException {
  return new HTTPException(422, { message: ERROR_CODES.VALIDATION, cause: capIssues(issues, locale) });
}

export function fail(status: ContentfulStatusCode, message: string, code?: ErrorCode): HTTPException {
  return new HTTPException(status, { message, cause: code ? { code } : undefined });
}

/** A 503 the client should retry: the code names the cause, Retry-After says when. */
export function unavailable(message: string, code: string, retryAfterSeconds = 1): HTTPException {
  const res = new Response(null, { status: 503, headers: { 'Retry-After': String(retryAfterSeconds) } });
  return new HTTPException(503, { message, cause: { code }, res });
}

/** Reports a database fault and says how to answer it; only the type is imported, so there is no cycle. */
export interface FaultReporter {
  report(err: unknown): { code: string; reason: string; retryAfterSeconds: number } | undefined;
}

export function errorHandler(logger: Logger, faults?: FaultReporter) {
  return (err: Error, c: Context) => {
    if (err instanceof HTTPException) {
      // Keep headers a middleware put on its own error response (WWW-Authenticate, Retry-After).
      err.res?.headers.forEach((v, k) => {
        if (k !== 'content-type' && k !== 'content-length') c.header(k, v);
      });
      const status = err.status as ContentfulStatusCode;
      if (status === 422 && Array.isArray(err.cause))
        return c.json({ error: ERROR_CODES.VALIDATION, issues: err.cause }, 422);
      const code =
        (err.cause as { code?: ErrorCode } | undefined)?.code ??
        ERROR_CODES[status as keyof typeof ERROR_CODES] ??
        'error';
      return c.json({ error: code, message: err.message || undefined }, status);
    }
    // Nobody hears this answer; the request log line (info, status 499) is all that is said about it.
    if (isClientAbort(err, c))
      return c.json({ error: ERROR_CODES[CLIENT_CLOSED_REQUEST] }, CLIENT_CLOSED_REQUEST as ContentfulStatusCode);
    // The database misbehaving is logged once by the reporter, not once per request, and answered 503.
    const fault = faults?.report(err);
    if (fault) {
      c.header('Retry-After', String(fault.retryAfterSeconds));
      return c.json({ error: fault.code, message: 'The database is unavailable; nothing was stored. Try again.' }, 503);
    }
    logger.error({ err, method: c.req.method, path: c.req.path }, 'unhandled error');
    return c.json({ error: ERROR_CODES[500] }, 500);
  };
}
