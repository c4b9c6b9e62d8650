import { describe, expect, it } from 'vitest';
import { until } from '../testing/until.ts';
import { nextYield, SENDING, watchRequestLoad, YIELD_POLICY, type YieldState } from './request-load.ts';

const p = YIELD_POLICY;

/** Feeds one utilization sample per sampleMs from t = 0 and returns the states after each. */
function run(samples: number[], start: YieldState = SENDING): YieldState[] {
  const states: YieldState[] = [];
  let state = start;
  samples.forEach((u, i) => {
    state = nextYield(state, u, i * p.sampleMs, p);
    states.push(state);
  });
  return states;
}

describe('the outbox yields to a burst of requests', () => {
  it('yields when the request thread is saturated and sends again once it is below half busy', () => {
    const yielding = run([0.3, 0.9, 0.8, 0.6, 0.55, 0.4, 0.9]).map((s) => s.yielding);
    expect(yielding).toEqual([false, true, true, true, true, false, true]);
  });

  it('never yields to a steady load below the threshold', () => {
    expect(run(Array(100).fill(0.8)).some((s) => s.yielding)).toBe(false);
  });

  it('sends for a while after yielding for its longest stretch, even while the burst goes on', () => {
    const perStretch = p.maxYieldMs / p.sampleMs;
    const states = run(Array(2 * perStretch).fill(1));
    const first = states.findIndex((s) => !s.yielding);
    expect(first).toBe(perStretch);
    // It sends for restMs, then yields again.
    const resumed = states.slice(first).findIndex((s) => s.yielding);
    expect(resumed * p.sampleMs).toBe(p.restMs);
  });

  it('reads the real event loop: busy turns report a burst, idle ones its end', { timeout: 10_000 }, async () => {
    const changes: boolean[] = [];
    const load = watchRequestLoad((yielding) => changes.push(yielding), { ...p, sampleMs: 50 });
    let busy = true;
    // Turns of 20 ms of synchronous work, like requests queued back to back.
    const spin = () => {
      const end = performance.now() + 20;
      while (performance.now() < end);
      if (busy) setImmediate(spin);
    };
    spin();
    await until(() => changes.length === 1, 5000, 'the burst');
    busy = false;
    await until(() => changes.length === 2, 5000, 'the end of the burst');
    load.stop();
    expect(changes).toEqual([true, false]);
  });
});
