import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { freshPostgres, type TestDb } from '../testing/databases.ts';
import { clusterSkipReason, freePort, healthStatus, instanceEnv } from '../testing/instances.ts';
import { type ServerProcess, startServerProcess } from '../testing/server-process.ts';
import { until } from '../testing/until.ts';

const skip = await clusterSkipReason();
// The session advisory lock Kysely's PostgreSQL adapter takes around a migration run.
const KYSELY_MIGRATION_LOCK = '3853314791062309107';

async function migrationNames(testDb: TestDb): Promise<string[]> {
  const { rows } = await testDb.db.pgPool!.query<{ name: string }>('select name from kysely_migration order by name');
  return rows.map((r) => r.name);
}

describe.skipIf(Boolean(skip))('migrations with several instances on one PostgreSQL', () => {
  const procs: ServerProcess[] = [];
  const dbs: TestDb[] = [];
  // Every migration the code knows, read from a database migrated by one process alone.
  let expected: string[] = [];
  beforeAll(async () => {
    const reference = await freshPostgres();
    dbs.push(reference);
    expected = await migrationNames(reference);
  });
  afterAll(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    for (const d of dbs) await d.drop();
  });

  it('migrates an empty database once when four connections migrate at the same moment, five times over', async () => {
    for (let round = 0; round < 5; round++) {
      const testDb = await freshPostgres({ migrate: false });
      dbs.push(testDb);
      const instances = Array.from({ length: 4 }, () => connect(testDb.url, { poolSize: 2, statementTimeoutMs: 5000 }));
      const outcomes = await Promise.allSettled(instances.map((db) => migrate(db)));
      await Promise.all(instances.map((db) => db.kysely.destroy()));
      expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual([
        'ok',
        'ok',
        'ok',
        'ok',
      ]);
      expect(await migrationNames(testDb)).toEqual(expected);
    }
  });

  it('starts two server processes at the same moment on an empty database; both answer /healthz 200', {
    timeout: 60_000,
  }, async () => {
    const testDb = await freshPostgres({ migrate: false });
    dbs.push(testDb);
    const env = instanceEnv(testDb.url, 'smtp://127.0.0.1:9');
    const started = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    procs.push(...started);
    expect(await Promise.all(started.map((p) => healthStatus(p.url)))).toEqual([200, 200]);
    expect(await migrationNames(testDb)).toEqual(expected);
    const { rows } = await testDb.db.pgPool!.query(
      "select count(*)::int as n from information_schema.tables where table_name = 'leads'",
    );
    expect(rows[0].n).toBe(1);
    const res = await fetch(`${started[1].url}/api/leads`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Erste Anfrage', email: 'erste@example.de', message: 'Nach dem Start.' }),
    });
    expect(res.status).toBe(201);
  });

  it('answers 503 (health and leads) while another instance holds the migration lock, longer than the statement ' +
    'timeout, then 200', {
    timeout: 60_000,
  }, async () => {
    const testDb = await freshPostgres({ migrate: false });
    dbs.push(testDb);
    const holder = new pg.Client({ connectionString: testDb.url });
    await holder.connect();
    try {
      await holder.query(`select pg_advisory_lock(${KYSELY_MIGRATION_LOCK})`);
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      // A lock wait past DB_STATEMENT_TIMEOUT_MS must not kill the start: a long migration elsewhere is normal.
      const starting = startServerProcess(
        instanceEnv(testDb.url, 'smtp://127.0.0.1:9', { PORT: String(port), DB_STATEMENT_TIMEOUT_MS: '1000' }),
      );
      starting.catch(() => {});
      await until(async () => (await healthStatus(url)) === 503, 30_000, '/healthz 503 while the migration waits');
      await new Promise((r) => setTimeout(r, 2500));
      expect(await healthStatus(url)).toBe(503);
      expect(await fetch(`${url}/healthz`).then((r) => r.json())).toEqual({
        status: 'starting',
        database: 'migrating',
        code: 'E_DB_MIGRATING',
      });
      // A proxy that ignores /healthz may still send a lead: it gets a clear 503 to retry, not a 500 from a missing
      // table.
      const early = await fetch(`${url}/api/leads`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'early-bird-key' },
        body: JSON.stringify({ name: 'Zu Früh', email: 'frueh@example.de', message: 'Noch beim Start.' }),
      });
      expect(early.status).toBe(503);
      expect(early.headers.get('retry-after')).toBe('1');
      expect(((await early.json()) as { error: string }).error).toBe('unavailable');
      await holder.query(`select pg_advisory_unlock(${KYSELY_MIGRATION_LOCK})`);
      const proc = await starting;
      procs.push(proc);
      expect(await healthStatus(url)).toBe(200);
      expect(await migrationNames(testDb)).toEqual(expected);
    } finally {
      await holder.end();
    }
  });
});
