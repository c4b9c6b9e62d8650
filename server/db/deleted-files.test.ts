import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../testing/server-process.ts';
import { until } from '../testing/until.ts';

const run = promisify(execFile);

describe('SQLite database files deleted under a running server', () => {
  let proc: ServerProcess | undefined;
  afterAll(() => proc?.child.kill('SIGKILL'));

  it('refuses leads and fails /healthz once the files vanish, saves what they held, and a restart refuses an empty database', {
    timeout: 90_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-deleted-'));
    const env = { DATA_DIR: dir, MIN_FILL_SECONDS: '0', RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_DAY: '0' };
    proc = await startServerProcess(env);
    const url = proc.url;
    const post = (i: number) =>
      fetch(`${url}/api/leads`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `deleted-${i}-key` },
        body: JSON.stringify({ name: `Kunde ${i}`, email: `k${i}@example.de`, message: 'Bitte um Rückruf.' }),
      });
    const acked: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await post(i);
      expect(res.status).toBe(201);
      acked.push(((await res.json()) as { id: string }).id);
    }

    for (const f of readdirSync(dir).filter((n) => n.startsWith('leads.db'))) rmSync(join(dir, f));
    const refused = await post(5);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: 'E_DB_FILE_GONE' });
    expect((await post(6)).status).toBe(503);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ code: 'E_DB_FILE_GONE', reason: expect.stringMatching(/deleted/) });

    // The open handle still held the deleted file: the server saved it beside where it was.
    const rescuedName = () => readdirSync(dir).find((n) => n.startsWith('leads.db.rescued-'));
    await until(() => Boolean(rescuedName()), 10_000, 'the rescued copy');
    const rescued = join(dir, rescuedName()!);
    proc.child.kill('SIGTERM');
    await proc.exited;

    // A restart does not quietly create an empty database in its place.
    const refusedStart = await startServerProcess(env).then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(refusedStart).toMatch(/exited \(78\)/);
    expect(refusedStart).toContain(`E_DB_MISSING: the database ${join(dir, 'leads.db')} is missing`);
    expect(refusedStart).toContain('npm run restore -- <backup-file>');
    expect(refusedStart).toContain(rescued);
    expect(refusedStart).toMatch(/To start fresh on purpose: delete .*admin-token/);
    expect(existsSync(join(dir, 'leads.db'))).toBe(false);

    // Restoring the saved copy brings back every acknowledged lead; the server starts on it.
    await run(process.execPath, ['--import', 'tsx', 'server/backup/cli.ts', 'restore', rescued], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    const sqlite = new Database(join(dir, 'leads.db'), { readonly: true });
    const stored = new Set((sqlite.prepare('select id from leads').all() as { id: string }[]).map((r) => r.id));
    sqlite.close();
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    expect(stored.size).toBe(5);
    proc = await startServerProcess(env);
    expect((await fetch(`${proc.url}/healthz`)).status).toBe(200);
    console.log(
      JSON.stringify({ deletedFiles: { acknowledged: acked.length, stored: stored.size, ackedAfterDelete: 0 } }),
    );
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });
});
