import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutboxPriority } from './outbox-priority.ts';
import { until } from './testing/until.ts';

/** A chrt that writes down each call and refuses the normal policy, as Linux does a user without CAP_SYS_NICE. */
function refusingChrt() {
  const dir = mkdtempSync(join(tmpdir(), 'bl-chrt-'));
  const log = join(dir, 'calls');
  const chrt = join(dir, 'chrt');
  writeFileSync(log, '');
  writeFileSync(chrt, `#!/bin/sh\necho "$1" >> ${log}\n[ "$1" != --other ]\n`);
  chmodSync(chrt, 0o755);
  return { chrt, calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe('OutboxPriority', () => {
  it('asks once to leave the idle policy when no lead comes, and not again after a refusal', async () => {
    const { chrt, calls } = refusingChrt();
    let refusals = 0;
    const priority = new OutboxPriority(process.pid, () => refusals++, chrt);
    await until(() => refusals === 1, 5000, 'the refusal');
    await new Promise((r) => setTimeout(r, 1500));
    priority.visitorActive();
    expect(calls()).toEqual(['--other']);
    expect(refusals).toBe(1);
    priority.stop();
  });
});
