import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../server/paths.ts';
import { startServerProcess } from '../server/testing/server-process.ts';
import { median, statusMb } from './load.ts';
import { stopAll } from './servers.ts';

const ROUNDS = 5;

// From spawn to the "listens on" line, then resident memory after two idle seconds.
async function once(script: string) {
  const started = performance.now();
  const proc = await startServerProcess(
    { DATA_DIR: mkdtempSync(join(tmpdir(), 'bl-bench-start-')), LOG_LEVEL: 'error' },
    30_000,
    script,
  );
  const ms = performance.now() - started;
  await new Promise((r) => setTimeout(r, 2000));
  const rss = statusMb(proc.child.pid!, 'VmRSS');
  await stopAll([proc]);
  return { ms, rss };
}

/** `npm start` before (tsx at run time) and after (the compiled build with plain node), alternating rounds. */
export async function startUp() {
  spawnSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: 'ignore' });
  const runs = { source: [] as { ms: number; rss: number }[], built: [] as { ms: number; rss: number }[] };
  for (let round = 0; round < ROUNDS; round++) {
    runs.source.push(await once('server/main.ts'));
    runs.built.push(await once('dist/node/server/main.js'));
  }
  const line = (name: string, r: { ms: number; rss: number }[]) =>
    `${name} start-up ${median(r.map((x) => x.ms)).toFixed(0)} ms, idle RSS ${median(r.map((x) => x.rss)).toFixed(0)} MB`;
  console.log(`\n## Start-up: spawn to listening, and idle memory, median of ${ROUNDS} alternating rounds`);
  console.log(line('node --import tsx server/main.ts:  ', runs.source));
  console.log(line('node dist/node/server/main.js:     ', runs.built));
  const ratio = median(runs.built.map((x) => x.ms)) / median(runs.source.map((x) => x.ms));
  console.log(`ratio: the built start takes ${ratio.toFixed(2)}x the time of the tsx start`);
}
