// `npm run bench`: every figure is a ratio against a baseline measured in the same run on the same machine.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerProcess, startServerProcess } from '../server/testing/server-process.ts';
import { capCount, capWake } from './cap-wake.ts';
import { fmt, type LoadResult, median, pct, postLoad } from './load.ts';
import { bareMailLoop, type DrainRun, openOutboxDrain } from './mail-drain.ts';
import { requestPath } from './request-path.ts';
import { scaleOut } from './scale-out.ts';
import { quietEnv, SECONDS, stopAll } from './servers.ts';
import { startUp } from './start-up.ts';
import { widgetFigures } from './widget.ts';

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);

async function measure(proc: ServerProcess[], seconds = SECONDS): Promise<LoadResult> {
  const urls = proc.map((p) => p.url);
  await postLoad(urls, 2); // warm-up: JIT, page cache, pool connections
  return postLoad(urls, seconds);
}

async function ingest() {
  const bare = await startServerProcess({}, 30_000, 'bench/bare-server.ts');
  const base = await measure([bare]);
  await stopAll([bare]);
  const real = await startServerProcess(quietEnv(mkdtempSync(join(tmpdir(), 'bl-bench-'))));
  const ours = await measure([real]);
  await stopAll([real]);
  console.log(
    '\n## Ingest: POST /api/leads (SQLite, WAL, synchronous=FULL, group commit) vs a bare hono JSON POST route',
  );
  console.log(`bare hono route:                      ${fmt(base)}`);
  console.log(`POST /api/leads:                      ${fmt(ours)}`);
  console.log(
    `ratio: ${pct(ours.rps, base.rps)} of the bare route, with the outbox thread writing every lead's mail as ` +
      `an .eml file (see requestPath for the figures with SMTP delivery)`,
  );
}

// Five rounds each: on a machine with steal time a median of three still moved by 15 points from run to run.
const ROUNDS = 5;

async function mail() {
  const sink = await startServerProcess({}, 30_000, 'bench/smtp-sink.ts');
  const smtpUrl = sink.url;
  const n = Number(process.env.BENCH_MAILS ?? 2000);
  // Warm-up for all three: JIT, pool connections.
  await bareMailLoop(smtpUrl, 200, 5);
  await bareMailLoop(smtpUrl, 200, 5, true);
  const outbox = await openOutboxDrain(smtpUrl, 5);
  await outbox.drain(200);
  // Alternating rounds and medians: the runs see the same machine, whatever else it is doing.
  const bareRuns: DrainRun[] = [];
  const wholeRuns: DrainRun[] = [];
  const outboxRuns: DrainRun[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bareRuns.push(await bareMailLoop(smtpUrl, n, 5));
    wholeRuns.push(await bareMailLoop(smtpUrl, n, 5, true));
    outboxRuns.push(await outbox.drain(n));
  }
  await outbox.close();
  await stopAll([sink]);
  console.log(`\n## Mail drain: ${n} mails to a local SMTP sink, 5 pooled connections, ${ROUNDS} alternating rounds`);
  printDrain(bareRuns, wholeRuns, outboxRuns);
}

// Each round's runs went back to back on the same machine: the median of their ratios moves least with steal time.
const roundRatios = (ours: DrainRun[], base: DrainRun[]) => ours.map((run, i) => run.rate / base[i].rate);

function printDrain(bareRuns: DrainRun[], wholeRuns: DrainRun[], outboxRuns: DrainRun[]) {
  const rate = (runs: DrainRun[]) => median(runs.map((run) => run.rate)).toFixed(0);
  const ratios = roundRatios(outboxRuns, bareRuns);
  const rounds = ratios.map(
    (r, i) => `${outboxRuns[i].rate.toFixed(0)}/${bareRuns[i].rate.toFixed(0)} ${(100 * r).toFixed(0)} %`,
  );
  console.log(`bare pooled nodemailer loop: ${rate(bareRuns)} mails/s (median)`);
  console.log(`outbox (SQLite):             ${rate(outboxRuns)} mails/s (median)`);
  console.log(`rounds, outbox/bare:         ${rounds.join(', ')}`);
  console.log(
    `ratio:                       ${(100 * median(ratios)).toFixed(1)} % of the bare loop, median of the rounds (goal >= 80 %)`,
  );
  const whole = median(roundRatios(outboxRuns, wholeRuns));
  console.log(
    `the bare loop sending each mail in one socket write, as the outbox does: ${rate(wholeRuns)} mails/s; the outbox ` +
      `${(100 * whole).toFixed(1)} % of it`,
  );
  const bareCpu = median(bareRuns.map((run) => run.cpuMsPerMail));
  const outboxCpu = median(outboxRuns.map((run) => run.cpuMsPerMail));
  console.log(
    `CPU per mail (from /proc: the sending thread's own CPU, not its waits): outbox thread ${outboxCpu.toFixed(3)} ` +
      `ms against the bare loop's ${bareCpu.toFixed(3)} ms, so ${pct(bareCpu, outboxCpu)} of its rate where both are ` +
      `CPU-bound (medians of the rounds)`,
  );
}

const sections: Record<string, () => Promise<void>> = {
  ingest,
  mail,
  widget: () => widgetFigures(),
  requestPath,
  scaleOut,
  startUp,
  capWake,
  capCount,
};

console.log(`Beraten lassen bench, ${new Date().toISOString()}, node ${process.version}, ${SECONDS} s per measurement`);
for (const [name, run] of Object.entries(sections)) if (want(name)) await run();
