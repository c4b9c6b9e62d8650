// What every bench section needs of the servers it starts: the same quiet settings, the same length, the same stop.
import type { ServerProcess } from '../server/testing/server-process.ts';

/** Seconds per measurement. */
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);

/** Errors-only logging, no time trap, no rate limits: the bench posts one lead from one address, fast. */
export const quietEnv = (dataDir: string, extra: Record<string, string> = {}): Record<string, string> => ({
  DATA_DIR: dataDir,
  LOG_LEVEL: 'error',
  MIN_FILL_SECONDS: '0',
  RATE_LIMIT_PER_MINUTE: '0',
  RATE_LIMIT_PER_DAY: '0',
  ...extra,
});

/** Stops the processes with SIGTERM, as an operator would, and waits for them to exit. */
export async function stopAll(procs: ServerProcess[]): Promise<void> {
  for (const p of procs) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
}
