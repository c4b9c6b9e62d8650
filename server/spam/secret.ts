import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { type Clock, iso } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';

export interface SpamKeys {
  challenge: string;
  pow: string;
  client: string;
}

const SECRET_FILE = 'challenge-secret';

function fromFile(dataDir: string): string {
  const file = join(dataDir, SECRET_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    // 'wx' fails when another process wrote it first; then its value wins.
    writeFileSync(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file} holds fewer than 32 characters; delete it or set CHALLENGE_SECRET`);
  return secret;
}

// On PostgreSQL the instances share one database, so the first one's random secret is everyone's.
async function fromDatabase(db: Db, clock: Clock): Promise<string> {
  await db.kysely
    .insertInto('app_secrets')
    .values({ name: SECRET_FILE, value: randomBytes(32).toString('hex'), created_at: iso(clock) })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.kysely
    .selectFrom('app_secrets')
    .select('value')
    .where('name', '=', sql.lit(SECRET_FILE))
    .executeTakeFirstOrThrow();
  return row.value;
}

/** CHALLENGE_SECRET, else DATA_DIR/challenge-secret (SQLite) or a row in app_secrets (PostgreSQL). */
export async function loadSecret(config: Config, db: Db, clock: Clock): Promise<string> {
  if (config.CHALLENGE_SECRET) return config.CHALLENGE_SECRET;
  return db.dialect === 'sqlite' ? fromFile(config.DATA_DIR) : fromDatabase(db, clock);
}

const derive = (secret: string, purpose: string) => createHmac('sha256', secret).update(purpose).digest('hex');

const cache = new WeakMap<Config, Promise<SpamKeys>>();

/** One key per purpose, loaded once per app; a failed load (database down) is retried on the next call. */
export function spamKeys(deps: { config: Config; db: Db; clock: Clock }): Promise<SpamKeys> {
  let keys = cache.get(deps.config);
  if (!keys) {
    keys = loadSecret(deps.config, deps.db, deps.clock).then((s) => ({
      challenge: derive(s, 'challenge'),
      pow: derive(s, 'pow'),
      client: derive(s, 'client'),
    }));
    keys.catch(() => cache.delete(deps.config));
    cache.set(deps.config, keys);
  }
  return keys;
}
