// Bench section "capWake": what each wake of the outbox reads under a full MAIL_PER_HOUR, with held-back mails.

import { tmpdir } from 'node:os';
import { loadConfig } from '../server/config.ts';
import type { Db } from '../server/db/connect.ts';
import { allowance, kindsOf, rememberFullCap } from '../server/outbox/claiming.ts';
import { handlerMap } from '../server/outbox/handlers.ts';
import { DEFAULT_HANDLERS } from '../server/start-outbox.ts';
import { JOB_KINDS } from '../server/store/job-kinds.ts';
import { claimJobs, nextDueAt } from '../server/store/jobs.ts';
import { freshSqlite } from '../server/testing/databases.ts';
import { pendingMails, recordSentMails } from '../server/testing/sent-mails.ts';
import { median } from './load.ts';

const HELD = Number(process.env.BENCH_HELD_MAILS ?? 100_000);
const CAP = Number(process.env.BENCH_MAIL_PER_HOUR ?? 5000);
const OTHER = [JOB_KINDS.webhookCreated, JOB_KINDS.webhookUpdated];

/** Milliseconds per call of `wake`, the median of 5 rounds of 20 calls. */
async function msPerWake(wake: () => Promise<unknown>): Promise<number> {
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) await wake();
    rounds.push((performance.now() - t0) / 20);
  }
  return median(rounds);
}

/** Milliseconds per wake under a full cap: the claim of the other kinds, then the look-up of their next due time. */
const wakeMs = (db: Db) =>
  msPerWake(async () => {
    await claimJobs(db, { kinds: OTHER, now: new Date(), leaseMs: 60_000, limit: 20 });
    await nextDueAt(db, OTHER);
  });

/** One database, measured with no mail held back, then with HELD: the wake should cost the same. */
export async function capWake(): Promise<void> {
  const t = await freshSqlite();
  await wakeMs(t.db); // warm-up: JIT, statement cache
  const empty = await wakeMs(t.db);
  await pendingMails(t.db.kysely, HELD, Date.now());
  const held = await wakeMs(t.db);
  await t.drop();
  console.log(`\n## Outbox wake under a full MAIL_PER_HOUR (SQLite): ${HELD} mails held back against none`);
  console.log(
    `claim and next-due look-up of the other kinds: ${held.toFixed(3)} ms against ${empty.toFixed(3)} ms per wake ` +
      `(${(held / empty).toFixed(1)}x); stored leads wake the outbox many times a second`,
  );
}

/** The hour's sends counted on every wake, as before, against the count remembered while the cap stays full. */
export async function capCount(): Promise<void> {
  const t = await freshSqlite();
  await recordSentMails(t.db.kysely, CAP, Date.now() - 50 * 60_000);
  const deps = {
    config: loadConfig({ DATA_DIR: tmpdir(), MAIL_PER_HOUR: String(CAP) }),
    db: t.db,
    clock: () => new Date(),
  };
  const kinds = kindsOf(handlerMap(DEFAULT_HANDLERS));
  const everyWake = await msPerWake(() => allowance(deps, kinds, 20, 0, 1000));
  const remembered = rememberFullCap(deps, kinds, 1000);
  const rememberedMs = await msPerWake(() => remembered(20, 0));
  await t.drop();
  console.log(`\n## Cap check under a full MAIL_PER_HOUR=${CAP} (SQLite)`);
  console.log(
    `remembered until the cap frees: ${rememberedMs.toFixed(4)} ms against ${everyWake.toFixed(3)} ms per wake ` +
      `counted each time (${(everyWake / rememberedMs).toFixed(0)}x less)`,
  );
}
