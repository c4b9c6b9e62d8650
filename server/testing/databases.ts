import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { connect, type Db } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';

export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let pgProbe: Promise<string | undefined> | undefined;

/** Undefined when PostgreSQL answers, else why not. Under CI=true a missing PostgreSQL is a failure, never a skip. */
export function postgresMissing(): Promise<string | undefined> {
  pgProbe ??= (async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return undefined;
    } catch (err) {
      return `PostgreSQL at ${PG_ADMIN_URL} is not reachable (${(err as Error).message})`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return pgProbe;
}

export interface TestDb {
  db: Db;
  url: string;
  /** Destroys the connection and deletes the database. */
  drop(): Promise<void>;
}

/** A fresh, migrated SQLite file in a temp folder. */
export async function freshSqlite(): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'bl-sqlite-'));
  const url = `sqlite:${join(dir, 'leads.db')}`;
  const db = connect(url);
  await migrate(db);
  return {
    db,
    url,
    drop: async () => {
      await db.kysely.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh, migrated PostgreSQL database of its own, so test files never see each other's rows. */
export async function freshPostgres(opts: { migrate?: boolean } = {}): Promise<TestDb> {
  const name = `bl_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const db = connect(url.toString(), { poolSize: 10 });
  if (opts.migrate !== false) await migrate(db);
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.kysely.destroy();
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export type DialectName = 'sqlite' | 'postgres';
export const DIALECTS: DialectName[] = ['sqlite', 'postgres'];

export function freshDb(dialect: DialectName): Promise<TestDb> {
  return dialect === 'sqlite' ? freshSqlite() : freshPostgres();
}
