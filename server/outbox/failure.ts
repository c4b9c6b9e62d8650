import { ERROR_CODES } from '../errors.ts';
import { maskEmails } from '../privacy/mask-emails.ts';

export interface Failure {
  /** Retrying would get the same answer: the job goes to 'dead' at once. */
  permanent: boolean;
  /** Kept in jobs.last_error and job_attempts.error: a stable code, then the server's words. */
  error: string;
}

/** Thrown by a handler for a fault no retry can fix (the lead is gone, the job is malformed). */
export class PermanentJobError extends Error {}

// Faults in our own message or settings: a retry would send the same thing and fail the same way.
const PERMANENT_CODES = new Set(['ECONFIG', 'EENVELOPE', 'EFILEACCESS', 'EURLACCESS', 'EMAXRECIPIENTS', 'EOTP']);

/** One line of at most 500 characters with addresses masked, for jobs.last_error and job_attempts.error. */
export const clip = (text: string) => maskEmails(text.replace(/\s+/g, ' ').trim()).slice(0, 500);

/**
 * Sorts an SMTP fault: a 5xx reply is permanent, a 4xx reply or a fault without a reply (network, timeout) is retried.
 */
export function classifyMailError(err: unknown): Failure {
  if (err instanceof PermanentJobError) return { permanent: true, error: clip(err.message) };
  const e = (err ?? {}) as { responseCode?: number; response?: string; code?: string; message?: string };
  const text = clip(e.response || e.message || String(err));
  if (typeof e.responseCode === 'number') {
    // 503 "bad sequence of commands" is a session fault, not a verdict on the message (RFC 5321), so it is retried.
    const permanent = e.responseCode >= 500 && e.responseCode < 600 && e.responseCode !== 503;
    return { permanent, error: `${permanent ? ERROR_CODES.SMTP_PERMANENT : ERROR_CODES.SMTP_TEMPORARY}: ${text}` };
  }
  if (e.code && PERMANENT_CODES.has(e.code))
    return { permanent: true, error: `${ERROR_CODES.SMTP_PERMANENT}: ${e.code} ${text}` };
  return { permanent: false, error: `${ERROR_CODES.SMTP_NETWORK}: ${e.code ? `${e.code} ` : ''}${text}` };
}

export function tooManyTries(attempts: number, last: string): string {
  return `${ERROR_CODES.TOO_MANY_TRIES}: gave up after ${attempts} tries; last: ${last}`;
}
