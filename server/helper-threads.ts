import { lowerOtherThreads } from './thread-priority.ts';

// Below the request thread, above the outbox thread (nice 10, and the idle policy while visitors send leads).
const HELPER_NICE = 5;
// libuv starts its pool's threads at their first use: a later look catches them.
const LOOK_EVERY_MS = 5000;

/**
 * Keeps the process's other threads (V8's compiler and garbage collection helpers, libuv's pool) below the request
 * thread, which calls this: on a small machine they took cores from it under load, and the JIT can wait.
 */
export function keepHelpersBelow(): { stop(): void } {
  lowerOtherThreads(HELPER_NICE);
  const timer = setInterval(() => lowerOtherThreads(HELPER_NICE), LOOK_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
