import type { Context } from 'hono';
import type pg from 'pg';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import type { Db } from '../db/connect.ts';
import { ERROR_CODES } from '../errors.ts';

export const RATE_LIMIT_TABLE = 'rate_limits';

export interface LimitSpec {
  keyPrefix: string;
  points: number;
  /** Seconds. */
  duration: number;
}

const tables = new WeakMap<pg.Pool, Promise<void>>();

// Several limiters creating one table at once race inside PostgreSQL; the first creates it, the others wait.
function tableReady(pool: pg.Pool): Promise<void> {
  let ready = tables.get(pool);
  if (!ready) {
    ready = new Promise<void>((resolve, reject) => {
      new RateLimiterPostgres(
        { storeClient: pool, storeType: 'pool', tableName: RATE_LIMIT_TABLE, points: 1, duration: 1 },
        (err?: Error) => (err ? reject(err) : resolve()),
      );
    });
    ready.catch(() => tables.delete(pool));
    tables.set(pool, ready);
  }
  return ready;
}

/**
 * In memory for one instance; on PostgreSQL in a shared table so instances count together, with memory as insurance.
 */
export async function createLimiter(db: Db, spec: LimitSpec): Promise<RateLimiterAbstract> {
  const memory = new RateLimiterMemory(spec);
  if (db.dialect !== 'postgres' || !db.pgPool) return memory;
  await tableReady(db.pgPool);
  return new RateLimiterPostgres({
    ...spec,
    storeClient: db.pgPool,
    storeType: 'pool',
    tableName: RATE_LIMIT_TABLE,
    tableCreated: true,
    insuranceLimiter: memory,
  });
}

/** Memoises a limiter; 0 points means the limit is off and no limiter is made. */
export function lazyLimiter(db: Db, spec: LimitSpec): () => Promise<RateLimiterAbstract | undefined> {
  let made: Promise<RateLimiterAbstract> | undefined;
  return () => {
    if (spec.points <= 0) return Promise.resolve(undefined);
    made ??= createLimiter(db, spec);
    made.catch(() => {
      made = undefined;
    });
    return made;
  };
}

/** The 429 answer: Retry-After in whole seconds, never 0. */
export function tooMany(c: Context, msBeforeNext: number, message: string) {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return c.json({ error: ERROR_CODES[429], message: message.replace('{s}', String(seconds)) }, 429, {
    'Retry-After': String(seconds),
  });
}

export const isLimited = (err: unknown): err is RateLimiterRes => err instanceof RateLimiterRes;
