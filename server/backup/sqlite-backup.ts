import { existsSync, renameSync, rmSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';

export class BackupError extends Error {}

export interface BackupCheck {
  leads: number;
  /** The newest migration the file has, so a restore into an older server version can be refused by eye. */
  migration: string | null;
}

/**
 * PRAGMA integrity_check on a backup or restore candidate, plus the shape this server expects (a leads table and
 * Kysely's migration record); throws a BackupError that says what is wrong.
 */
export function verifySqliteFile(file: string): BackupCheck {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist.`);
  let db: SqliteDatabase.Database | undefined;
  try {
    db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    const result = db.pragma('integrity_check') as { integrity_check: string }[];
    const problems = result.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    if (problems.length)
      throw new BackupError(`${file} fails PRAGMA integrity_check: ${problems.slice(0, 5).join('; ')}`);
    const tables = new Set(
      (db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map(
        (t) => t.name,
      ),
    );
    if (!tables.has('leads') || !tables.has('kysely_migration'))
      throw new BackupError(`${file} is not a Beraten lassen database (no leads or kysely_migration table).`);
    const leads = (db.prepare('select count(*) as n from leads').get() as { n: number }).n;
    const last = db.prepare('select name from kysely_migration order by name desc limit 1').get() as
      | { name: string }
      | undefined;
    return { leads, migration: last?.name ?? null };
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${file} cannot be read as SQLite: ${(err as Error).message}`);
  } finally {
    db?.close();
  }
}

/**
 * An online, consistent copy of a live SQLite database: the backup API copies every page in one step (one read
 * snapshot; in WAL mode the server keeps writing meanwhile), into a temporary file that is verified and only then
 * renamed to `dest`. The copy is switched to rollback-journal mode, so it is one self-contained file.
 */
export async function backupSqlite(source: string, dest: string): Promise<BackupCheck & { pages: number }> {
  if (!existsSync(source)) throw new BackupError(`No database at ${source}; check DATABASE_URL or DATA_DIR.`);
  if (existsSync(dest))
    throw new BackupError(`${dest} already exists; choose a new file name (backups are never overwritten).`);
  const tmp = `${dest}.partial`;
  rmSync(tmp, { force: true });
  const db = new SqliteDatabase(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // All remaining pages per step: a step is one snapshot, and a multi-step copy restarts whenever the server writes.
    const { totalPages } = await db.backup(tmp, { progress: () => 0x7fffffff });
    const copy = new SqliteDatabase(tmp);
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    const check = verifySqliteFile(tmp);
    renameSync(tmp, dest);
    return { ...check, pages: totalPages };
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    db.close();
  }
}
