// What the Linux scheduler says of a thread of this process (or of another one), read from /proc.
import { readFileSync } from 'node:fs';

export const [SCHED_OTHER, SCHED_IDLE] = [0, 5];

// After the command name, which may itself hold spaces, the nice value is the 17th field.
export const threadNice = (tid: number | string, pid: number | 'self' = 'self') =>
  Number(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);

export const threadPolicy = (tid: number | string) =>
  Number(/^policy\s*:\s*(\d+)/m.exec(readFileSync(`/proc/self/task/${tid}/sched`, 'utf8'))?.[1]);
