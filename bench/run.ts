// `npm run bench`: every figure is a ratio against a baseline measured in the same run on the same machine.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from '../server/testing/server-process.ts';
import { postLoad, type LoadResult } from './load.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);

const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)} %`;
const fmt = (r: LoadResult) => `${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`;

const quietEnv = (dir: string): Record<string, string> => ({
  DATA_DIR: dir,
  LOG_LEVEL: 'error',
  MIN_FILL_SECONDS: '0',
  RATE_LIMIT_PER_MINUTE: '0',
  RATE_LIMIT_PER_DAY: '0',
});

async function measure(proc: ServerProcess[], seconds = SECONDS): Promise<LoadResult> {
  const urls = proc.map((p) => p.url);
  await postLoad(urls, 2); // warm-up: JIT, page cache, pool connections
  return postLoad(urls, seconds);
}

async function stop(procs: ServerProcess[]) {
  for (const p of procs) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
}

async function ingest() {
  const bare = await startServerProcess({}, 30_000, 'bench/bare-server.ts');
  const base = await measure([bare]);
  await stop([bare]);
  const real = await startServerProcess(quietEnv(mkdtempSync(join(tmpdir(), 'bl-bench-'))));
  const ours = await measure([real]);
  await stop([real]);
  console.log('\n## Ingest: POST /api/leads (SQLite, WAL, synchronous=FULL) vs a bare hono JSON POST route');
  console.log(`bare hono route:  ${fmt(base)}`);
  console.log(`POST /api/leads:  ${fmt(ours)}`);
  console.log(`ratio:            ${pct(ours.rps, base.rps)} of the bare route (goal >= 50 %)`);
}

const sections: Record<string, () => Promise<void>> = { ingest };

console.log(`Beraten lassen bench, ${new Date().toISOString()}, node ${process.version}, ${SECONDS} s per measurement`);
for (const [name, run] of Object.entries(sections)) if (want(name)) await run();
