import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { Logger } from 'pino';
import type { LeadStatus } from '../../shared/api-types.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import { eraseLeadsIn, type LinkedTables, linkedTables } from '../store/erase.ts';
import { scrubErased } from '../store/scrub.ts';
import type { RetentionRules } from './retention-rules.ts';

const DAY = 86_400_000;
const BATCH = 500;
// Any constant both instances agree on; it names the purge among the database's advisory locks.
export const PURGE_LOCK = 0x62_6c_70_72;

export interface PurgeResult {
  purged: number;
  byStatus: Record<string, number>;
  /** Rows left pointing at a job that no longer exists (a worker finishing after an erase). */
  orphans: number;
  /** True when another instance held the purge lock (PostgreSQL). */
  skipped: boolean;
}

/** Erases every lead whose last change is older than its status' limit, with everything derived from it. */
export async function purgeExpired(db: Db, clock: Clock, rules: RetentionRules): Promise<PurgeResult> {
  const now = clock().getTime();
  const cutoff = (days: number) => new Date(now - days * DAY).toISOString();
  const named = Object.keys(rules).filter((k) => k !== 'default') as LeadStatus[];
  const tables = await linkedTables(db);
  const result: PurgeResult = { purged: 0, byStatus: {}, orphans: 0, skipped: false };
  for (;;) {
    const batch = await db.kysely.transaction().execute(async (trx) => {
      if (db.dialect === 'postgres') {
        const { rows } = await sql<{
          locked: boolean;
        }>`select pg_try_advisory_xact_lock(${PURGE_LOCK}) as locked`.execute(trx);
        if (!rows[0]?.locked) return undefined;
      }
      const expired = await trx
        .selectFrom('leads')
        .select(['id', 'status'])
        .where((eb) => {
          const any: Expression<SqlBool>[] = named.map((s) =>
            eb.and([eb('status', '=', s), eb('updated_at', '<', cutoff(rules[s]!))]),
          );
          const rest = [eb('updated_at', '<', cutoff(rules.default))];
          if (named.length) rest.push(eb('status', 'not in', named));
          return eb.or([...any, eb.and(rest)]);
        })
        .orderBy('updated_at')
        .limit(BATCH)
        .execute();
      await eraseLeadsIn(
        trx,
        tables,
        expired.map((r) => r.id),
      );
      if (expired.length < BATCH) result.orphans = await sweepOrphans(trx, tables);
      return expired;
    });
    if (!batch) return { ...result, skipped: true };
    for (const r of batch) result.byStatus[r.status] = (result.byStatus[r.status] ?? 0) + 1;
    result.purged += batch.length;
    if (batch.length < BATCH) {
      if (result.purged || result.orphans) await scrubErased(db);
      return result;
    }
  }
}

// An outbox worker that finishes a send after its lead was erased still records the attempt; this catches such rows.
async function sweepOrphans(trx: Kysely<Database>, tables: LinkedTables): Promise<number> {
  let n = 0;
  for (const t of tables.byJob) {
    const orphaned = sql`not exists (select 1 from jobs where jobs.id = ${sql.ref(`${t}.job_id`)})`;
    const r = await sql`delete from ${sql.table(t)} where ${orphaned}`.execute(trx);
    n += Number(r.numAffectedRows ?? 0);
  }
  return n;
}

export interface RetentionDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  rules: RetentionRules;
}

/** Purges now and then every interval; logs counts only, since what was purged is exactly what must not linger. */
export function startRetention(deps: RetentionDeps, intervalMs = 60 * 60 * 1000): { stop(): void } {
  const run = async () => {
    try {
      const r = await purgeExpired(deps.db, deps.clock, deps.rules);
      if (r.skipped) deps.logger.debug('retention purge skipped: another instance holds the lock');
      else deps.logger.info({ purged: r.purged, byStatus: r.byStatus, orphans: r.orphans }, 'retention purge');
    } catch (err) {
      deps.logger.error({ err }, 'retention purge failed; will retry at the next interval');
    }
  };
  void run();
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
