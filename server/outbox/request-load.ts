import { performance } from 'node:perf_hooks';

/** When the outbox steps aside for a burst of requests, read from the request thread's event-loop utilization. */
export interface YieldPolicy {
  sampleMs: number;
  /** Utilization of one sample above which the outbox yields. */
  busyAbove: number;
  /** Utilization below which it sends again. */
  idleBelow: number;
  /** The longest it yields at a stretch: under a load that never ends, the mail still goes out. */
  maxYieldMs: number;
  /** After a stretch of maxYieldMs, how long it sends before it may yield again. */
  restMs: number;
}

export const YIELD_POLICY: YieldPolicy = {
  sampleMs: 250,
  busyAbove: 0.85,
  idleBelow: 0.5,
  maxYieldMs: 10_000,
  restMs: 2_000,
};

export interface YieldState {
  yielding: boolean;
  /** When the state last changed (ms). */
  since: number;
  /** Sending because a stretch ran out, not because the burst ended. */
  resting?: boolean;
}

export const SENDING: YieldState = { yielding: false, since: Number.NEGATIVE_INFINITY };

/** The next state after a sample of the request thread's utilization (0 to 1) taken at `now`. */
export function nextYield(state: YieldState, utilization: number, now: number, p: YieldPolicy): YieldState {
  if (state.yielding) {
    if (now - state.since >= p.maxYieldMs) return { yielding: false, since: now, resting: true };
    return utilization < p.idleBelow ? { yielding: false, since: now } : state;
  }
  if (state.resting && now - state.since < p.restMs) return state;
  return utilization > p.busyAbove ? { yielding: true, since: now } : state;
}

/**
 * Samples this thread's event-loop utilization and calls `onChange(true)` when it is saturated (a burst of requests),
 * `onChange(false)` when the burst is over. The outbox thread, told to yield, claims nothing new meanwhile: the CPU
 * goes to answering visitors, and the mail catches up after the burst.
 */
export function watchRequestLoad(
  onChange: (yielding: boolean, utilization: number) => void,
  policy: YieldPolicy = YIELD_POLICY,
): { stop(): void } {
  let last = performance.eventLoopUtilization();
  let state = SENDING;
  const timer = setInterval(() => {
    const current = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(current, last);
    last = current;
    const next = nextYield(state, utilization, Date.now(), policy);
    if (next.yielding !== state.yielding) onChange(next.yielding, utilization);
    state = next;
  }, policy.sampleMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
