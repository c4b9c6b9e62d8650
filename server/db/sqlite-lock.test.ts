import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../testing/server-process.ts';

/** Another process holding BEGIN EXCLUSIVE on the file until its stdin closes. */
async function holdLock(file: string): Promise<ChildProcess> {
  const script = `const db = new (require('better-sqlite3'))(${JSON.stringify(file)});
db.exec('begin exclusive'); console.log('locked');
process.stdin.on('end', () => { db.exec('commit'); db.close(); process.exit(0); }); process.stdin.resume();`;
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('locked') && resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return child;
}

const lead = (i: number) =>
  JSON.stringify({ name: `Kunde ${i}`, email: `k${i}@example.de`, message: 'Bitte um Rückruf.' });

describe('another process holding the SQLite write lock', () => {
  let proc: ServerProcess | undefined;
  afterAll(() => proc?.child.kill('SIGKILL'));

  it('leaves routes without the database fast, answers a lead 503 with Retry-After, and takes it once the lock is gone', {
    timeout: 60_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-lock-'));
    proc = await startServerProcess({ DATA_DIR: dir, MIN_FILL_SECONDS: '0', RATE_LIMIT_PER_MINUTE: '0' });
    const url = proc.url;
    const post = (i: number) =>
      fetch(`${url}/api/leads`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `lock-test-${i}` },
        body: lead(i),
      });
    expect((await post(0)).status).toBe(201);

    const holder = await holdLock(join(dir, 'leads.db'));
    const started = Date.now();
    const blocked = post(1).then(async (res) => ({ res, body: await res.json(), ms: Date.now() - started }));
    // While the lead waits for the lock, the event loop keeps serving: every challenge answers at once.
    const challengeMs: number[] = [];
    while (Date.now() - started < 4000) {
      const t = Date.now();
      expect((await fetch(`${url}/api/leads/challenge`)).status).toBe(200);
      challengeMs.push(Date.now() - t);
      await new Promise((r) => setTimeout(r, 100));
    }
    const { res, body, ms } = await blocked;
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(body).toMatchObject({ error: 'E_DB_BUSY' });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ code: 'E_DB_BUSY', reason: expect.stringMatching(/lock/) });

    holder.stdin!.end();
    await new Promise((resolve) => holder.once('exit', resolve));
    const releasedAt = Date.now();
    const retried = await post(1);
    expect(retried.status).toBe(201);
    const recoveredMs = Date.now() - releasedAt;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    const sqlite = new Database(join(dir, 'leads.db'), { readonly: true });
    const stored = (sqlite.prepare('select count(*) as n from leads').get() as { n: number }).n;
    sqlite.close();
    console.log(
      JSON.stringify({
        challengeMaxMs: Math.max(...challengeMs),
        challenges: challengeMs.length,
        leadAnsweredMs: ms,
        recoveredMs,
        acknowledged: 2,
        stored,
      }),
    );
    expect(Math.max(...challengeMs)).toBeLessThan(500);
    expect(stored).toBe(2);
  });
});
