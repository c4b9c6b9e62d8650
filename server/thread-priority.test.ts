import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { threadNice as nice, threadPolicy as policy, SCHED_IDLE, SCHED_OTHER } from './testing/thread-sched.ts';
import { currentThreadId, lowerOtherThreads, lowerThreadPriority, setThreadPolicy } from './thread-priority.ts';

// A thread that only waits, and tells its Linux thread id.
const IDLE_THREAD = `
  const { parentPort } = require('node:worker_threads');
  parentPort.postMessage(Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()));
  setInterval(() => {}, 1000);
`;

describe('lowerThreadPriority', () => {
  let worker: Worker | undefined;
  afterEach(async () => {
    await worker?.terminate();
  });
  const startThread = () => {
    worker = new Worker(IDLE_THREAD, { eval: true });
    return new Promise<number>((resolve) => worker!.once('message', resolve));
  };

  it('puts the thread under the idle policy at the nice value, and leaves the calling thread as it was', async () => {
    const tid = await startThread();
    expect(lowerThreadPriority(tid, 10)).toBe('idle');
    expect([policy(tid), nice(tid)]).toEqual([SCHED_IDLE, 10]);
    expect([policy(process.pid), nice(process.pid)]).toEqual([SCHED_OTHER, 0]);
    expect(currentThreadId()).toBe(process.pid);
  });

  it('keeps the nice value when chrt is missing', async () => {
    const tid = await startThread();
    expect(lowerThreadPriority(tid, 10, 'no-such-chrt')).toBe('nice');
    expect([policy(tid), nice(tid)]).toEqual([SCHED_OTHER, 10]);
  });

  it('changes nothing without a thread id', () => {
    expect(lowerThreadPriority(undefined, 10)).toBe('unchanged');
    expect(nice(process.pid)).toBe(0);
  });

  it('moves a thread to the normal policy and back to idle, keeping its nice value', async () => {
    const tid = await startThread();
    lowerThreadPriority(tid, 10);
    expect(await setThreadPolicy(tid, 'other')).toBe(true);
    expect([policy(tid), nice(tid)]).toEqual([SCHED_OTHER, 10]);
    expect(await setThreadPolicy(tid, 'idle')).toBe(true);
    expect([policy(tid), nice(tid)]).toEqual([SCHED_IDLE, 10]);
    expect(await setThreadPolicy(tid, 'other', 'no-such-chrt')).toBe(false);
    expect(policy(tid)).toBe(SCHED_IDLE);
  });
});

describe('lowerOtherThreads', () => {
  it('lowers every other thread of the process to the nice value, keeps the calling thread and a lower one', async () => {
    const started = [new Worker(IDLE_THREAD, { eval: true }), new Worker(IDLE_THREAD, { eval: true })];
    const [helper, background] = await Promise.all(
      started.map((w) => new Promise<number>((resolve) => w.once('message', resolve))),
    );
    lowerThreadPriority(background, 10);
    expect(lowerOtherThreads(5)).toBeGreaterThan(0);
    expect([nice(process.pid), nice(helper), nice(background)]).toEqual([0, 5, 10]);
    expect(lowerOtherThreads(5)).toBe(0);
    await Promise.all(started.map((w) => w.terminate()));
  });
});
