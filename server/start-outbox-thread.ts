import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Outbox, OutcomeName } from './outbox/outbox-types.ts';

export type ToOutboxThread = { type: 'start' | 'wake' | 'drain' | 'stop' } | { type: 'yield'; yielding: boolean };
export type FromOutboxThread =
  | { type: 'ready' | 'stopped' }
  | { type: 'drained'; sent: number }
  | { type: 'outcomes'; outcomes: [kind: string, outcome: OutcomeName][] };

// From the build the entry is .js; from the sources it is .ts, and a thread does not inherit tsx's loader.
const ENTRY = new URL(`./outbox-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

// The thread's nice value (Linux, per thread): below the request thread in the scheduler, so under a burst the CPU
// goes to answering visitors first, and the mail catches up afterwards.
export const OUTBOX_NICE = 10;

// A small young generation: under a burst the thread's heap would otherwise grow by some 20 MB of garbage.
const LIMITS = { maxYoungGenerationSizeMb: 8 };

function newWorker(env: Record<string, string | undefined>): Worker {
  if (!ENTRY.pathname.endsWith('.ts')) return new Worker(ENTRY, { workerData: { env }, resourceLimits: LIMITS });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const code = `import(${tsx}).then((t) => { t.register(); return import(${JSON.stringify(ENTRY.href)}); })`;
  return new Worker(code, { eval: true, workerData: { env }, resourceLimits: LIMITS });
}

// A thread that keeps dying (its database gone) is started again less and less often, up to once a minute.
const RESTART_MS = [1000, 2000, 5000, 15_000, 60_000];
const HEALTHY_MS = 60_000;

export interface OutboxThreadOptions {
  logger: Logger;
  /** The settings the thread parses for itself, as the main thread did. */
  env: Record<string, string | undefined>;
  onOutcome?: (kind: string, outcome: OutcomeName) => void;
}

/** The outbox in a worker thread with its own database connection; a thread that dies is started again. */
class OutboxThread implements Outbox {
  private worker!: Worker;
  private started = false;
  private stopping = false;
  private deaths = 0;
  private alive = false;
  private wakePending = false;
  private yielding = false;
  private readonly waiting = new Map<FromOutboxThread['type'], ((msg: FromOutboxThread) => void)[]>();

  /** Resolves once the first thread has connected and is listening. */
  readonly ready: Promise<unknown>;

  constructor(private readonly opts: OutboxThreadOptions) {
    this.ready = this.next('ready');
    this.spawn();
  }

  start(): void {
    this.started = true;
    this.send({ type: 'start' });
  }

  wake(): void {
    // Under load every stored lead wakes the outbox: one message per turn of the event loop serves them all. A
    // yielding thread claims nothing, and setYielding(false) ticks it: a wake meanwhile would be a message for nothing.
    if (this.wakePending || this.yielding) return;
    this.wakePending = true;
    setImmediate(() => {
      this.wakePending = false;
      this.send({ type: 'wake' });
    });
  }

  setYielding(yielding: boolean): void {
    this.yielding = yielding;
    this.send({ type: 'yield', yielding });
  }

  async drainOnce(): Promise<number> {
    const reply = this.next('drained');
    this.send({ type: 'drain' });
    const msg = await reply;
    return msg.type === 'drained' ? msg.sent : 0;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // Stopped between two lives of the thread: nothing runs that could be waited for.
    if (!this.alive) return;
    const stopped = this.next('stopped');
    this.send({ type: 'stop' });
    await Promise.race([stopped, new Promise((resolve) => this.worker.once('exit', resolve))]);
    await this.worker.terminate();
  }

  private send(msg: ToOutboxThread): void {
    this.worker.postMessage(msg);
  }

  private next(type: FromOutboxThread['type']): Promise<FromOutboxThread> {
    return new Promise((resolve) => this.waiting.set(type, [...(this.waiting.get(type) ?? []), resolve]));
  }

  private spawn(): void {
    const worker = newWorker(this.opts.env);
    this.worker = worker;
    this.alive = true;
    worker.on('message', (msg: FromOutboxThread) => {
      if (msg.type === 'outcomes') for (const [kind, outcome] of msg.outcomes) this.opts.onOutcome?.(kind, outcome);
      for (const resolve of this.waiting.get(msg.type)?.splice(0) ?? []) resolve(msg);
    });
    worker.on('error', (err) => this.opts.logger.error({ err }, 'outbox thread failed'));
    const bornAt = Date.now();
    worker.on('exit', (code) => {
      this.alive = false;
      if (this.stopping) return;
      this.deaths = Date.now() - bornAt > HEALTHY_MS ? 0 : this.deaths + 1;
      const waitMs = RESTART_MS[Math.min(this.deaths, RESTART_MS.length) - 1] ?? RESTART_MS[0];
      // Its claimed jobs come free after their lease; a new thread picks them up.
      this.opts.logger.error({ code }, `outbox thread exited; starting it again in ${waitMs} ms`);
      setTimeout(() => {
        if (this.stopping) return;
        this.spawn();
        if (this.yielding) this.setYielding(true);
        if (this.started) this.start();
      }, waitMs).unref();
    });
  }
}

export function startOutboxThread(opts: OutboxThreadOptions): Outbox & { ready: Promise<unknown> } {
  return new OutboxThread(opts);
}
