import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freshPostgres, PG_ADMIN_URL, postgresMissing, type TestDb } from '../testing/databases.ts';
import { type ServerProcess, startServerProcess } from '../testing/server-process.ts';
import { type SmtpPeer, startSmtpPeer } from '../testing/smtp-peer.ts';
import { until } from '../testing/until.ts';

const missing = await postgresMissing();
if (missing && process.env.CI === 'true') throw new Error(`${missing}; under CI=true PostgreSQL is required`);

interface Load {
  acked: string[];
  statuses: Map<number, number>;
  /** Answers other than 201 that lacked Retry-After, or that were not 503. */
  bad: string[];
  stop(): Promise<void>;
}

/** Clients posting distinct leads in a loop, each with its own Idempotency-Key; a 503 is retried with the same key. */
function load(url: string, clients: number): Load {
  const acked: string[] = [];
  const statuses = new Map<number, number>();
  const bad: string[] = [];
  let stopped = false;
  const client = async (c: number) => {
    for (let i = 0; !stopped; i++) {
      for (;;) {
        const res = await fetch(`${url}/api/leads`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `pgkill-${c}-${i}-key` },
          body: JSON.stringify({ name: `Kunde ${c}-${i}`, email: `k${c}.${i}@example.de`, message: 'Rückruf.' }),
        }).catch(() => undefined);
        if (!res) {
          bad.push('connection refused');
          return;
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const body = await res.text();
        if (res.status === 201) {
          acked.push((JSON.parse(body) as { id: string }).id);
          break;
        }
        if (res.status !== 503 || !res.headers.get('retry-after')) bad.push(`${res.status} ${body}`);
        if (stopped) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const running = Array.from({ length: clients }, (_, c) => client(c));
  return {
    acked,
    statuses,
    bad,
    stop: async () => {
      stopped = true;
      await Promise.all(running);
    },
  };
}

async function terminateBackends(dbName: string): Promise<number> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  const { rowCount } = await admin.query(
    'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
    [dbName],
  );
  await admin.end();
  return rowCount ?? 0;
}

(missing ? describe.skip : describe)('PostgreSQL terminating the server backends under load', () => {
  let testDb: TestDb | undefined;
  let peer: SmtpPeer | undefined;
  let proc: ServerProcess | undefined;
  afterAll(async () => {
    proc?.child.kill('SIGKILL');
    await peer?.close();
    await testDb?.drop();
  });

  it('keeps the process alive, answers 503 with Retry-After meanwhile, recovers, and stores and mails every acknowledged lead', {
    timeout: 120_000,
  }, async () => {
    testDb = await freshPostgres();
    peer = await startSmtpPeer();
    const dbName = new URL(testDb.url).pathname.slice(1);
    proc = await startServerProcess({
      DATABASE_URL: testDb.url,
      ADMIN_TOKEN: 'a'.repeat(40),
      SMTP_URL: peer.url,
      MAIL_FROM: 'Leads <leads@kunde.de>',
      SALES_INBOX: 'vertrieb@kunde.de',
      MIN_FILL_SECONDS: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_PER_DAY: '0',
      SMTP_CONNECT_TIMEOUT_MS: '1000',
      SMTP_SOCKET_TIMEOUT_MS: '1000',
    });
    const url = proc.url;
    const posts = load(url, 6);
    const health: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const res = await fetch(`${url}/healthz`).catch(() => undefined);
        health.push(res?.status ?? 0);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await until(() => posts.acked.length >= 60, 30_000, '60 acknowledged leads');
    let terminated = 0;
    for (let i = 0; i < 3; i++) {
      terminated += await terminateBackends(dbName);
      await new Promise((r) => setTimeout(r, 300));
    }
    const killedAt = Date.now();
    const ackedAtKill = posts.acked.length;
    await until(
      () => posts.acked.length >= ackedAtKill + 60,
      30_000,
      '60 more acknowledged leads after the kills',
    ).catch((err) => {
      throw new Error(`${(err as Error).message}; answers ${posts.bad.slice(0, 3)}; server said:\n${proc?.output()}`);
    });
    const recoveredMs = Date.now() - killedAt;
    await posts.stop();
    polling = false;
    await poller;

    const alive = proc.child.exitCode === null && proc.child.signalCode === null;
    const stored = new Set((await testDb.db.kysely.selectFrom('leads').select('id').execute()).map((r) => r.id));
    const missingIds = posts.acked.filter((id) => !stored.has(id));
    const mailed = () => peer!.mails.map((m) => m.parsed.messageId);
    await until(
      () => posts.acked.every((id) => mailed().includes(`<lead-${id}@kunde.de>`)),
      60_000,
      'a mail for every acknowledged lead',
    ).catch(() => {});
    const ids = mailed();
    const duplicates = ids.length - new Set(ids).size;
    const unmailed = posts.acked.filter((id) => !ids.includes(`<lead-${id}@kunde.de>`));
    console.log(
      JSON.stringify({
        terminated,
        acknowledged: posts.acked.length,
        stored: posts.acked.length - missingIds.length,
        mailed: posts.acked.length - unmailed.length,
        duplicates,
        statuses: Object.fromEntries(posts.statuses),
        health503: health.filter((s) => s === 503).length,
        recoveredMs,
      }),
    );
    expect(alive, proc.output()).toBe(true);
    expect(terminated).toBeGreaterThan(0);
    expect(posts.bad).toEqual([]);
    expect(missingIds).toEqual([]);
    expect(unmailed).toEqual([]);
    expect(health.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });
});
