import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

/**
 * After an erase: copies the WAL into the database and truncates it, so the deleted rows' bytes (zeroed in the pages
 * by secure_delete) leave the WAL's older frames too. Retries while another connection reads; true once done.
 */
export async function scrubErased(db: Db, tries = 20, waitMs = 50): Promise<boolean> {
  if (db.dialect !== 'sqlite') return true;
  for (let i = 0; i < tries; i++) {
    // Through kysely's connection, so it runs between transactions and never inside one.
    const { rows } = await db.kysely
      .connection()
      .execute((conn) => sql<CheckpointRow>`pragma wal_checkpoint(truncate)`.execute(conn));
    if (rows[0]?.busy === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
  return false;
}
