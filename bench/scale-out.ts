// Bench section "scale-out": ingest with 1, 2 and 3 instances on one PostgreSQL, and PostgreSQL against SQLite.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshPostgres, postgresMissing } from '../server/testing/databases.ts';
import { type ServerProcess, startServerProcess } from '../server/testing/server-process.ts';
import { fmt, type LoadResult, pct, postLoad } from './load.ts';
import { quietEnv, SECONDS, stopAll } from './servers.ts';

// Without SMTP_URL each instance writes .eml files, as in the ingest section, so no SMTP peer competes for the CPU.
const env = (extra: Record<string, string>) =>
  quietEnv(mkdtempSync(join(tmpdir(), 'bl-bench-scale-')), {
    CHALLENGE_SECRET: 'bench-shared-secret-0123456789abcdef0123456789',
    ...extra,
  });

async function run(procs: ServerProcess[]): Promise<LoadResult> {
  const urls = procs.map((p) => p.url);
  await postLoad(urls, 2); // warm-up: JIT, page cache, pool connections
  const result = await postLoad(urls, SECONDS);
  await stopAll(procs);
  return result;
}

/** One fresh database per measurement, so a later run never inherits a fuller table and index. */
async function onPostgres(instances: number): Promise<LoadResult> {
  const db = await freshPostgres();
  try {
    const extra = { DATABASE_URL: db.url };
    const procs = await Promise.all(Array.from({ length: instances }, () => startServerProcess(env(extra))));
    return await run(procs);
  } finally {
    await db.drop();
  }
}

export async function scaleOut(): Promise<void> {
  const missing = await postgresMissing();
  console.log('\n## Scale-out: POST /api/leads from 32 connections spread over N instances on one PostgreSQL');
  if (missing) {
    console.log(`skipped: ${missing}`);
    return;
  }
  const sqlite = await run([await startServerProcess(env({}))]);
  const pg: LoadResult[] = [];
  for (const n of [1, 2, 3]) pg.push(await onPostgres(n));
  console.log(`SQLite, 1 instance:      ${fmt(sqlite)}`);
  for (const [i, r] of pg.entries()) console.log(`PostgreSQL, ${i + 1} instance${i ? 's' : ' '}: ${fmt(r)}`);
  for (const [i, r] of pg.entries()) if (i) console.log(`${i + 1} instances vs 1:      ${pct(r.rps, pg[0].rps)}`);
  console.log(`PostgreSQL vs SQLite:    ${pct(pg[0].rps, sqlite.rps)} (1 instance each)`);
  console.log(
    `(on ${(await import('node:os')).availableParallelism()} CPU cores shared by the instances, PostgreSQL ` +
      `and the load generator)`,
  );
}

// Runnable alone: node --import tsx bench/scale-out.ts
if (import.meta.url === `file://${process.argv[1]}`) await scaleOut();
