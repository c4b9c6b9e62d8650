import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../config.ts';
import { sqlitePath } from '../db/connect.ts';
import { BackupError, backupSqlite } from './sqlite-backup.ts';
import { restoreSqlite } from './sqlite-restore.ts';

const USAGE = 'usage: npm run backup -- <backup-file>   |   npm run restore -- <backup-file>';
const POSTGRES = [
  'DATABASE_URL points at PostgreSQL: back up and restore with its own tools (see docs/operations.md):',
  '  pg_dump --format=custom --file=leads.dump --dbname="$DATABASE_URL"',
  '  pg_restore --clean --if-exists --no-owner --single-transaction --dbname="$DATABASE_URL" leads.dump',
].join('\n');

/** `backup <file>` or `restore <file>` against the database the server's settings name (DATABASE_URL or DATA_DIR). */
async function main(argv: string[]): Promise<number> {
  const [command, file, ...rest] = argv;
  if ((command !== 'backup' && command !== 'restore') || !file || rest.length) {
    console.error(USAGE);
    return 64;
  }
  const config = loadConfig();
  if (!/^(sqlite:|file:)/.test(config.databaseUrl)) {
    console.error(POSTGRES);
    return 2;
  }
  const db = sqlitePath(config.databaseUrl);
  const target = resolve(file);
  if (command === 'backup') {
    const r = await backupSqlite(db, target);
    console.log(
      `Backed up ${db} to ${target}: ${r.pages} pages, ${r.leads} leads, schema ${r.migration}; PRAGMA ` +
        `integrity_check ok.`,
    );
  } else {
    const r = restoreSqlite(target, db);
    console.log(`Restored ${target} into ${db}: ${r.leads} leads, schema ${r.migration}; PRAGMA integrity_check ok.`);
    if (r.previous) console.log(`The database it replaced is kept as ${r.previous}.`);
    console.log('Start the server now; it applies any newer migrations itself.');
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const known = err instanceof BackupError || err instanceof ConfigError;
    console.error(known ? err.message : err);
    process.exit(known ? 1 : 70);
  },
);
