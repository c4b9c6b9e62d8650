import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
  /** Answers with a 2xx status. */
  count: number;
  p50: number;
  p99: number;
  /** autocannon with a rate only: its p99 of the latencies as measured, before its coordinated-omission correction. */
  measuredP99?: number;
  non2xx: number;
  errors: number;
}

export interface LoadOptions {
  connections?: number;
  /** Requests per second over all connections (autocannon's overallRate); unset: as fast as answers come. */
  overallRate?: number;
}

/** `a` as a share of `b`, for the ratio lines. */
export const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)} %`;

/** The value below which the share `q` of the values lie (the nearest rank), in ms to one decimal. */
export function percentile(xs: number[], q: number): number {
  const sorted = Float64Array.from(xs).sort();
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] * 10) / 10;
}

/** The middle value (of an odd count; the upper middle of an even one). */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const fmt = (r: LoadResult) =>
  `${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`;

/** A figure of /proc/PID/status (VmRSS now, VmHWM the peak) in MB. */
export const statusMb = (pid: number, field: 'VmRSS' | 'VmHWM') =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

/**
 * CPU milliseconds a process (or its main thread) has used so far, from /proc: unlike throughput, this does not move
 * when the virtual machine's host takes the CPU away for a while (steal time).
 */
export function cpuMs(pid: number, mainThreadOnly = false): number {
  return statCpuMs(readFileSync(mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8'));
}

const taskStat = (tid: number, pid: number | 'self' = 'self') => readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');

/** CPU milliseconds one thread of this process has used so far. */
export const threadCpuMs = (tid: number) => statCpuMs(taskStat(tid));

/** A process's threads that run at the given nice value (the outbox thread is the one at nice 10). */
export function threadsAtNice(nice: number, pid: number | 'self' = 'self'): number[] {
  return readdirSync(`/proc/${pid}/task`)
    .map(Number)
    .filter((tid) => statFields(taskStat(tid, pid))[16] === String(nice));
}

/** CPU milliseconds a process has used so far: its main thread, its threads at `nice`, and all its threads. */
export function cpuSplitMs(pid: number, nice: number) {
  const niced = threadsAtNice(nice, pid).reduce((sum, tid) => sum + statCpuMs(taskStat(tid, pid)), 0);
  return { main: cpuMs(pid, true), niced, all: cpuMs(pid) };
}

// Fields after the command name, which may itself hold spaces: state is the 3rd field, utime the 14th, nice the 19th.
const statFields = (stat: string) => stat.slice(stat.lastIndexOf(')') + 2).split(' ');

function statCpuMs(stat: string): number {
  const fields = statFields(stat);
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
// Linux's USER_HZ, the unit of utime and stime, is 100 on every architecture Node runs on.
const CLOCK_TICKS = 100;

export const LEAD_BODY = JSON.stringify({
  name: 'Jürgen Größe',
  email: 'juergen@example.de',
  company: 'Müller & Söhne GmbH',
  topic: 'KI-Strategie',
  message: 'Wir möchten Rechnungen automatisch auslesen und an unser ERP übergeben. Bitte um Rückruf.',
  locale: 'de',
  source: { url: 'https://www.kunde.de/leistungen?utm_source=newsletter', utm_source: 'newsletter' },
});

/** Posts the same lead body for `seconds` from keep-alive connections spread over the urls. */
export async function postLoad(urls: string[], seconds: number, opts: LoadOptions = {}): Promise<LoadResult> {
  const connections = opts.connections ?? 32;
  const share = (n: number) => Math.max(1, Math.round(n / urls.length));
  const measured: number[] = [];
  const runs = await Promise.all(
    urls.map(
      (url) =>
        new Promise<autocannon.Result>((resolve, reject) => {
          const run = autocannon(
            {
              url: `${url}/api/leads`,
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: LEAD_BODY,
              connections: share(connections),
              duration: seconds,
              ...(opts.overallRate ? { overallRate: share(opts.overallRate) } : {}),
            },
            (err, result) => (err ? reject(err) : resolve(result)),
          );
          // With a rate, autocannon's histogram adds a made-up sample per millisecond of each answer: keep the real.
          if (opts.overallRate)
            run.on('response', (_client, status, _bytes, ms) => {
              if (status >= 200 && status < 300) measured.push(ms);
            });
        }),
    ),
  );
  const total = (f: (r: autocannon.Result) => number) => runs.reduce((s, r) => s + f(r), 0);
  return {
    rps: total((r) => r['2xx'] / (r.duration || seconds)),
    count: total((r) => r['2xx']),
    p50: Math.max(...runs.map((r) => r.latency.p50)),
    p99: Math.max(...runs.map((r) => r.latency.p99)),
    ...(opts.overallRate ? { measuredP99: percentile(measured, 0.99) } : {}),
    non2xx: total((r) => r.non2xx),
    errors: total((r) => r.errors + r.timeouts),
  };
}
