// A background thread's place in the Linux scheduler: below every thread that answers visitors.
import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

export type ThreadPriority = 'idle' | 'nice' | 'unchanged';

// One call of util-linux's chrt setting thread `tid`'s policy (priority 0, the only one these policies take).
const chrtArgs = (policy: 'idle' | 'other', tid: number) => [`--${policy}`, '--pid', '0', String(tid)];
const CHRT_TIMEOUT_MS = 5000;

/** The calling thread's id (Linux), or undefined where /proc/thread-self does not exist. */
export function currentThreadId(): number | undefined {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return undefined;
  }
}

/**
 * Gives thread `tid` the nice value `nice`, then the SCHED_IDLE policy through util-linux's `chrt`: a waking
 * request thread preempts an idle-policy thread at once, where against a niced one it may wait out its time slice.
 * Node has no call for the policy; without `chrt` (or where it is refused) the nice value stays.
 */
export function lowerThreadPriority(tid: number | undefined, nice: number, chrt = 'chrt'): ThreadPriority {
  if (tid === undefined) return 'unchanged';
  try {
    setPriority(tid, nice);
  } catch {
    return 'unchanged';
  }
  const r = spawnSync(chrt, chrtArgs('idle', tid), { stdio: 'ignore', timeout: CHRT_TIMEOUT_MS });
  return r.status === 0 ? 'idle' : 'nice';
}

/** Moves thread `tid` between the idle policy and the normal one (keeping its nice value); resolves with success. */
export function setThreadPolicy(tid: number, policy: 'idle' | 'other', chrt = 'chrt'): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(chrt, chrtArgs(policy, tid), { timeout: CHRT_TIMEOUT_MS }, (err) => resolve(!err));
  });
}

/**
 * Gives every other thread of this process a nice value of at least `nice` (one already lower in priority keeps its
 * own); returns how many it lowered.
 */
export function lowerOtherThreads(nice: number): number {
  const self = currentThreadId();
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  let lowered = 0;
  for (const tid of tasks.map(Number)) {
    try {
      if (tid === self || getPriority(tid) >= nice) continue;
      setPriority(tid, nice);
      lowered++;
    } catch {
      // A thread that ended meanwhile, or a system that refuses: it keeps its priority.
    }
  }
  return lowered;
}
