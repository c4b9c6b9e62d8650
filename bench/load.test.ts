import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { cpuSplitMs } from './load.ts';

// A thread that lowers its own priority to nice 11, as the outbox thread does to 10, then spins until it has used
// `ms` of CPU by its own /proc count: on a machine busy with other tests, wall time would say little.
const SPIN = `
  const { readFileSync, readlinkSync } = require('node:fs');
  const { setPriority } = require('node:os');
  const { parentPort, workerData } = require('node:worker_threads');
  const ownMs = () => {
    const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 11);
  parentPort.postMessage('niced');
  parentPort.once('message', () => {
    const end = ownMs() + workerData.ms;
    while (ownMs() < end);
    parentPort.postMessage('done');
  });
`;

describe('cpuSplitMs', () => {
  it("counts a niced thread's CPU apart from the main thread's, and both within the process's", async () => {
    const worker = new Worker(SPIN, { eval: true, workerData: { ms: 400 } });
    await new Promise((resolve) => worker.once('message', resolve));
    const before = cpuSplitMs(process.pid, 11);
    worker.postMessage('go');
    await new Promise((resolve) => worker.once('message', resolve));
    const after = cpuSplitMs(process.pid, 11);
    await worker.terminate();
    const niced = after.niced - before.niced;
    const main = after.main - before.main;
    // /proc counts in 10 ms ticks.
    expect(niced).toBeGreaterThanOrEqual(390);
    expect(main).toBeLessThan(niced);
    expect(after.all - before.all).toBeGreaterThanOrEqual(main + niced - 20);
  });
});
