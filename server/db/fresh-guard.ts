import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ERROR_CODES } from '../errors.ts';

/** Stops the start: the database file is gone though the data folder shows it existed. */
export class MissingDatabaseError extends Error {}

// Beside the file but not matching `leads.db*`, so deleting the database files leaves it behind as a witness.
const markerOf = (file: string) => join(dirname(file), `.${basename(file)}.created`);

/** Notes that the database exists, so a later start can tell a deleted one from a first start. */
export function markDatabaseCreated(file: string): void {
  try {
    writeFileSync(markerOf(file), `${new Date().toISOString()}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/**
 * Refuses to create an empty SQLite database where one existed before (its marker, generated token or secret is
 * still there): an empty database would silently hide the loss of every lead in the old one.
 */
export function guardAgainstFreshDatabase(file: string, dataDir: string): void {
  if (existsSync(file)) return;
  const traces = [markerOf(file), join(dataDir, 'admin-token'), join(dataDir, 'challenge-secret')].filter((f) =>
    existsSync(f),
  );
  if (!traces.length) return;
  const dir = dirname(file);
  const rescued = existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => n.startsWith(`${basename(file)}.rescued-`))
        .map((n) => join(dir, n))
    : [];
  throw new MissingDatabaseError(
    [
      `${ERROR_CODES.DB_MISSING}: the database ${file} is missing, but this data folder held one before (${traces.join(', ')} exist).`,
      'Starting would create an empty database and hide the loss of every lead in the old one, so the server does not start.',
      `  To restore a backup:       npm run restore -- <backup-file>${rescued.length ? `   (saved when the file vanished: ${rescued.join(', ')})` : ''}`,
      `  To start fresh on purpose: delete ${traces.join(' ')} and start again.`,
    ].join('\n'),
  );
}
