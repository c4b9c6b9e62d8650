import { type Kysely, sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import { ERROR_CODES, unavailable } from '../errors.ts';
import { scrubErased } from './scrub.ts';

export interface LinkedTables {
  byLead: string[];
  byJob: string[];
}

/**
 * Every table with a lead_id or job_id column, read from the live schema on each erase rather than listed here, so a
 * table another migration adds (outbox, spam) is erased too: Art. 17 means every table, not the ones known today.
 */
export async function linkedTables(db: Db): Promise<LinkedTables> {
  const tables = await db.kysely.introspection.getTables();
  const own = tables.filter((t) => !t.schema || t.schema === 'public' || t.schema === 'main');
  const having = (col: string) => own.filter((t) => t.columns.some((c) => c.name === col)).map((t) => t.name);
  return {
    byLead: having('lead_id').filter((t) => t !== 'jobs' && t !== 'leads'),
    byJob: having('job_id').filter((t) => t !== 'jobs'),
  };
}

const BATCH = 500;

/** Deletes the leads and every row derived from them inside the caller's transaction; returns how many rows went. */
export async function eraseLeadsIn(trx: Kysely<Database>, tables: LinkedTables, leadIds: string[]): Promise<number> {
  let rows = 0;
  const del = async (table: string, column: string, ids: string[]) => {
    if (!ids.length) return;
    const r = await sql`delete from ${sql.table(table)} where ${sql.ref(column)} in (${sql.join(ids)})`.execute(trx);
    rows += Number(r.numAffectedRows ?? 0);
  };
  for (let i = 0; i < leadIds.length; i += BATCH) {
    const ids = leadIds.slice(i, i + BATCH);
    const jobIds = (await trx.selectFrom('jobs').select('id').where('lead_id', 'in', ids).execute()).map((j) => j.id);
    for (let k = 0; k < jobIds.length; k += BATCH)
      for (const t of tables.byJob) await del(t, 'job_id', jobIds.slice(k, k + BATCH));
    for (const t of tables.byLead) await del(t, 'lead_id', ids);
    await del('jobs', 'lead_id', ids);
    await del('leads', 'id', ids);
  }
  return rows;
}

/** Erases the leads and everything derived from them in one transaction. */
export async function eraseLeads(db: Db, leadIds: string[]): Promise<number> {
  const tables = await linkedTables(db);
  const rows = await db.kysely.transaction().execute((trx) => eraseLeadsIn(trx, tables, leadIds));
  // Then scrub their bytes from the files: secure_delete zeroed the pages, a truncating checkpoint drops old WAL frames.
  if (!(await scrubErased(db)))
    throw unavailable(
      'The rows are erased, but their bytes stay in the WAL while another process reads the database; send the same request again.',
      ERROR_CODES.ERASE_UNSCRUBBED,
      5,
    );
  return rows;
}
