// Bench section "requestPath": the built server with real SMTP delivery running, against a bare hono route.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../server/paths.ts';
import { OUTBOX_NICE } from '../server/start-outbox-thread.ts';
import { type ServerProcess, startServerProcess } from '../server/testing/server-process.ts';
import { START_FLAGS } from '../server/testing/start-flags.ts';
import { cpuMs, cpuSplitMs, fmt, type LoadResult, pct, postLoad, statusMb } from './load.ts';
import { pacedLoad } from './paced-load.ts';
import { quietEnv, SECONDS, stopAll } from './servers.ts';

const RATE = Number(process.env.BENCH_RATE ?? 1000);
const STEADY_CONNECTIONS = 20;
const serverEnv = (dataDir: string, smtpUrl: string) =>
  quietEnv(dataDir, {
    SMTP_URL: smtpUrl,
    MAIL_FROM: 'Leads <leads@kunde.de>',
    SALES_INBOX: 'vertrieb@kunde.de',
  });

/** How many mails the sink has taken so far (it prints its count on SIGUSR2). */
async function sinkCount(sink: ServerProcess): Promise<number> {
  const before = sink.output().length;
  sink.child.kill('SIGUSR2');
  for (let i = 0; i < 100; i++) {
    const m = /received (\d+)/.exec(sink.output().slice(before));
    if (m) return Number(m[1]);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the SMTP sink did not answer');
}

/** Seconds after the load until the sink has every mail of the run (at most 120 s). */
async function catchUp(sink: ServerProcess, want: number): Promise<number> {
  const t0 = performance.now();
  while ((await sinkCount(sink)) < want && performance.now() - t0 < 120_000)
    await new Promise((r) => setTimeout(r, 200));
  return (performance.now() - t0) / 1000;
}

const benchCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * The load's CPU per answered request in milliseconds, from /proc: the server's main thread, its outbox thread, its
 * other threads (V8's, libuv's) and all of it; the SMTP sink's; this process's (the load generator's); and how busy
 * the machine's cores were on average.
 */
async function withCpu(pid: number, load: () => Promise<LoadResult>, sinkPid?: number) {
  const sinkMs = () => (sinkPid ? cpuMs(sinkPid) : 0);
  const [server0, sink0, bench0, t0] = [cpuSplitMs(pid, OUTBOX_NICE), sinkMs(), benchCpuMs(), performance.now()];
  const result = await load();
  const wallMs = performance.now() - t0;
  const server = cpuSplitMs(pid, OUTBOX_NICE);
  const [main, outbox, all] = [server.main - server0.main, server.niced - server0.niced, server.all - server0.all];
  const [sink, bench] = [sinkMs() - sink0, benchCpuMs() - bench0];
  const per = (ms: number) => ms / Math.max(1, result.count);
  return {
    result,
    mainCpuMs: per(main),
    outboxCpuMs: per(outbox),
    otherCpuMs: per(all - main - outbox),
    processCpuMs: per(all),
    sinkCpuMs: per(sink),
    loadCpuMs: per(bench),
    busyPct: (100 * (all + sink + bench)) / wallMs / availableParallelism(),
  };
}

/** The largest size the WAL file reached while `run` ran, in MB: the disk a burst takes beside the database. */
async function walPeakMb<T>(dataDir: string, run: () => Promise<T>): Promise<[T, number]> {
  let peak = 0;
  const sample = () =>
    (peak = Math.max(peak, statSync(join(dataDir, 'leads.db-wal'), { throwIfNoEntry: false })?.size ?? 0));
  const timer = setInterval(sample, 100);
  try {
    return [await run(), sample() / 1e6];
  } finally {
    clearInterval(timer);
  }
}

async function measureServer(sink: ServerProcess, load: (url: string) => Promise<LoadResult>) {
  const dataDir = mkdtempSync(join(process.env.BENCH_DATA_ROOT ?? tmpdir(), 'bl-bench-path-'));
  const proc = await startServerProcess(serverEnv(dataDir, sink.url), 30_000, 'dist/node/server/main.js', START_FLAGS);
  await postLoad([proc.url], 2, { connections: 10 }); // warm-up: JIT, page cache, the SMTP pool
  const before = await sinkCount(sink);
  const [{ result, ...cpu }, walMb] = await walPeakMb(dataDir, () =>
    withCpu(proc.child.pid!, () => load(proc.url), sink.child.pid),
  );
  const peakMb = statusMb(proc.child.pid!, 'VmHWM');
  // Every lead of the warm-up and the run is mailed; the sink counts all of them.
  const caughtUpS = await catchUp(sink, before + Math.floor(result.rps * SECONDS * 0.999));
  await stopAll([proc]);
  return { result, peakMb, walMb, caughtUpS, ...cpu };
}

/** Issue-14 figures: saturated ingest and a steady rate, each with SMTP delivery running, and peak memory. */
export async function requestPath(): Promise<void> {
  spawnSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: 'ignore' });
  const sink = await startServerProcess({}, 30_000, 'bench/smtp-sink.ts');
  const bare = await startServerProcess({}, 30_000, 'bench/bare-server.ts');
  await postLoad([bare.url], 2, { connections: 10 });
  const { result: base, mainCpuMs: bareCpuMs } = await withCpu(bare.child.pid!, () =>
    postLoad([bare.url], SECONDS, { connections: 10 }),
  );
  // The same two steady loads on the bare route: the floor this machine and each load generator put under any p99.
  const baseSteady = await postLoad([bare.url], SECONDS, { connections: STEADY_CONNECTIONS, overallRate: RATE });
  const basePaced = await pacedLoad(bare.url, SECONDS, RATE);
  await stopAll([bare]);
  const steady = await measureServer(sink, (url) =>
    postLoad([url], SECONDS, { connections: STEADY_CONNECTIONS, overallRate: RATE }),
  );
  const paced = await measureServer(sink, (url) => pacedLoad(url, SECONDS, RATE));
  const saturated = await measureServer(sink, (url) => postLoad([url], SECONDS, { connections: 10 }));
  await stopAll([sink]);
  const line = (name: string, m: Awaited<ReturnType<typeof measureServer>>) =>
    `${name}${fmt(m.result)}; peak RSS ${m.peakMb.toFixed(0)} MB; WAL file at most ${m.walMb.toFixed(0)} MB; ` +
    `mail caught up ${m.caughtUpS.toFixed(1)} s later`;
  const ms = (v: number) => `${v.toFixed(3)} ms`;
  const all201 = (r: LoadResult) => (r.non2xx === 0 && r.errors === 0 ? 'every answer 201' : 'NOT every answer 201');
  console.log(`\n## Request path: the built server, SMTP delivery to a sink process running, ${SECONDS} s each`);
  console.log(`bare hono route, 10 connections:       ${fmt(base)}`);
  console.log(`bare hono route, steady ${RATE}/s:        ${fmt(baseSteady)}`);
  console.log(`bare hono route, paced ${RATE}/s:         ${fmt(basePaced)}`);
  console.log(line(`POST /api/leads, steady ${RATE}/s:       `, steady));
  console.log(line(`POST /api/leads, paced ${RATE}/s:        `, paced));
  console.log(line('POST /api/leads, 10 connections:       ', saturated));
  console.log(
    `steady (autocannon overallRate): p99 ${steady.result.p99} ms against the bare route's ${baseSteady.p99} ms ` +
      `(goal <= 10 ms), ${all201(steady.result)}; as measured, before autocannon's correction: ` +
      `${steady.result.measuredP99} ms against ${baseSteady.measuredP99} ms`,
  );
  console.log(
    `CPU per lead at steady ${RATE}/s: request thread ${ms(steady.mainCpuMs)}, outbox thread ${ms(steady.outboxCpuMs)}, ` +
      `the server's other threads (V8, libuv) ${ms(steady.otherCpuMs)}; SMTP sink ${ms(steady.sinkCpuMs)}, load ` +
      `generator ${ms(steady.loadCpuMs)}; the ${availableParallelism()} cores ${steady.busyPct.toFixed(0)} % busy on average`,
  );
  console.log(
    `paced (one request every ${1000 / RATE} ms, timed from its planned start): p99 ${paced.result.p99} ms against ` +
      `the bare route's ${basePaced.p99} ms, ${all201(paced.result)}`,
  );
  console.log(
    `saturated: ${pct(saturated.result.rps, base.rps)} of the bare route (goal >= 25 %); peak RSS ` +
      `${[steady, paced, saturated].map((m) => m.peakMb.toFixed(0)).join(', ')} MB under the three loads (goal <= 200 MB)`,
  );
  console.log(
    `CPU per answer at 10 connections (from /proc, unmoved by steal time): main thread ${ms(saturated.mainCpuMs)} ` +
      `against the bare route's ${ms(bareCpuMs)} (${(saturated.mainCpuMs / bareCpuMs).toFixed(1)}x); whole server ` +
      `process, outbox thread included, ${ms(saturated.processCpuMs)}`,
  );
}
