import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type BackupCheck, BackupError, verifySqliteFile } from './sqlite-backup.ts';

const SIDE_FILES = ['-wal', '-shm', '-journal'];

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Throws when another process has the database open. Every open WAL connection holds a shared lock on the file, so an
 * exclusive lock is refused while a server runs, idle or not; the locks die with a crashed process.
 * Then folds the WAL into the file, so the old database moved aside is complete on its own.
 */
export function assertNotInUse(file: string): void {
  if (!existsSync(file)) return;
  const db = new SqliteDatabase(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new BackupError(
        `${file} is in use, probably by a running server: stop it first (SIGTERM or your process manager), ` +
          `then run the restore again.`,
      );
    }
    throw err;
  } finally {
    db.close();
  }
}

/**
 * Puts a verified backup in place of the database file: refuses while a server has it open, keeps the current file as
 * `<db>.before-restore-<time>`, removes stale -wal/-shm files (SQLite would replay a stale WAL into the restored file),
 * and renames a verified, fsync'd copy into place.
 */
export function restoreSqlite(backup: string, target: string, now = new Date()): BackupCheck & { previous?: string } {
  const check = verifySqliteFile(backup);
  assertNotInUse(target);
  const tmp = `${target}.restoring`;
  copyFileSync(backup, tmp);
  fsyncPath(tmp);
  verifySqliteFile(tmp);
  let previous: string | undefined;
  if (existsSync(target)) {
    previous = `${target}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target, previous);
  }
  for (const side of SIDE_FILES) {
    if (!existsSync(target + side)) continue;
    if (previous) renameSync(target + side, previous + side);
    else rmSync(target + side);
  }
  renameSync(tmp, target);
  fsyncPath(dirname(target));
  return { ...check, previous };
}
