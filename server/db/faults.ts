import { ERROR_CODES } from '../errors.ts';

/** A database fault the server survives: answered 503 with Retry-After, reported by /healthz. */
export interface DbFault {
  code: string;
  /** For the operator (log line, /healthz); no visitor data. */
  reason: string;
  retryAfterSeconds: number;
}

/** Thrown where the server itself notices a fault (the database file deleted under it). */
export class DbFaultError extends Error {
  constructor(readonly fault: DbFault) {
    super(fault.reason);
  }
}

// node-postgres and the socket below it: the server went away, refused, or is shutting down.
const PG_CONNECTION = /^(08|57P0[1-3]|53300)/;
const NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const PG_MESSAGE = /Connection terminated|not queryable|timeout exceeded when trying to connect|Connection ended/i;

function sqliteFault(code: string, message: string): DbFault | undefined {
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return {
      code: ERROR_CODES.DB_BUSY,
      reason: `the SQLite database is locked by another process (${code})`,
      retryAfterSeconds: 2,
    };
  if (code === 'SQLITE_FULL')
    return {
      code: ERROR_CODES.DB_DISK_FULL,
      reason: `the disk of the SQLite database is full (${message})`,
      retryAfterSeconds: 30,
    };
  if (/^SQLITE_(IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB|PERM)/.test(code))
    return {
      code: ERROR_CODES.DB_IO,
      reason: `the SQLite database files cannot be written (${code}: ${message})`,
      retryAfterSeconds: 30,
    };
  return undefined;
}

/** The fault behind an error from a query, or undefined when it is a bug rather than the database misbehaving. */
export function dbFault(err: unknown): DbFault | undefined {
  if (err instanceof DbFaultError) return err.fault;
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (code.startsWith('SQLITE_')) return sqliteFault(code, message);
  if (PG_CONNECTION.test(code) || NET.has(code) || (!code && PG_MESSAGE.test(message)))
    return {
      code: ERROR_CODES.DB_UNAVAILABLE,
      reason: `PostgreSQL is unreachable (${code || message})`,
      retryAfterSeconds: 2,
    };
  return undefined;
}
