import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { postStream } from '../testing/post-stream.ts';
import { type ServerProcess, startServerProcess } from '../testing/server-process.ts';
import { until } from '../testing/until.ts';

const run = promisify(execFile);

/** The real CLI, as `npm run backup -- <file>` / `npm run restore -- <file>` start it. */
function cli(command: 'backup' | 'restore', file: string, env: Record<string, string>) {
  return run(process.execPath, ['--import', 'tsx', 'server/backup/cli.ts', command, file], {
    env: { PATH: process.env.PATH ?? '', ...env },
  }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
}

function idsIn(file: string): Set<string> {
  const db = new Database(file, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    return new Set((db.prepare('select id from leads').all() as { id: string }[]).map((r) => r.id));
  } finally {
    db.close();
  }
}

describe('npm run backup / npm run restore on SQLite', () => {
  let proc: ServerProcess | undefined;
  afterEach(() => {
    proc?.child.kill('SIGKILL');
    proc = undefined;
  });

  it("copies a running server's database during a stream of posts with every lead acknowledged before it began, " +
    'and restores it only after the server stopped', {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-backup-'));
    const env = { DATA_DIR: dir, MIN_FILL_SECONDS: '0', RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_DAY: '0' };
    proc = await startServerProcess(env);
    const url = proc.url;

    const posts = postStream(url, 4, { strict: true });
    const { acked } = posts;
    await until(() => acked.length >= 100 || Boolean(posts.failure()), 60_000, '100 acknowledged leads', 20);
    expect(posts.failure()).toBeUndefined();

    const before = [...acked];
    const file = join(dir, 'backup-1.db');
    const backup = await cli('backup', file, env);
    const during = acked.length - before.length;
    await posts.stop();
    expect(posts.failure()).toBeUndefined();

    expect(backup.out).toMatch(/integrity_check ok/);
    expect(backup.code).toBe(0);
    // Posts were really in flight while the copy ran.
    expect(during).toBeGreaterThan(0);
    const saved = idsIn(file);
    expect(before.filter((id) => !saved.has(id))).toEqual([]);
    // One self-contained file: no -wal beside it, no leftover temporary file.
    expect(readdirSync(dir).filter((f) => f.startsWith('backup-1'))).toEqual(['backup-1.db']);
    // A second backup never overwrites the first.
    expect(await cli('backup', file, env)).toMatchObject({ code: 1, out: expect.stringMatching(/already exists/) });

    // While the server runs, restore refuses and leaves the live database alone.
    const refused = await cli('restore', file, env);
    expect(refused).toMatchObject({
      code: 1,
      out: expect.stringMatching(/in use, probably by a running server: stop it first/),
    });
    expect(idsIn(join(dir, 'leads.db')).size).toBe(acked.length);

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    proc = undefined;
    const restored = await cli('restore', file, env);
    expect(restored.out).toMatch(/Restored .* integrity_check ok/);
    expect(restored.code).toBe(0);
    expect(idsIn(join(dir, 'leads.db'))).toEqual(saved);
    expect(readdirSync(dir).some((f) => /^leads\.db\.before-restore-/.test(f))).toBe(true);
    expect(existsSync(join(dir, 'leads.db-wal'))).toBe(false);

    // The server starts on the restored file and keeps taking leads.
    proc = await startServerProcess(env);
    const res = await fetch(`${proc.url}/api/leads`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Nach dem Restore', email: 'nach@example.de', message: 'Hallo' }),
    });
    expect(res.status).toBe(201);
  });

  it('refuses a file that is not a sound database, and points PostgreSQL users to pg_dump', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-backup-'));
    const junk = join(dir, 'junk.db');
    const db = new Database(junk);
    db.exec('create table other (x)');
    db.close();
    expect(await cli('restore', junk, { DATA_DIR: dir })).toMatchObject({
      code: 1,
      out: expect.stringMatching(/not a Beraten lassen database/),
    });
    expect(await cli('restore', join(dir, 'missing.db'), { DATA_DIR: dir })).toMatchObject({
      code: 1,
      out: expect.stringMatching(/does not exist/),
    });
    expect(existsSync(join(dir, 'leads.db'))).toBe(false);
    const pg = await cli('backup', join(dir, 'x.dump'), { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' });
    expect(pg).toMatchObject({ code: 2, out: expect.stringMatching(/pg_dump --format=custom/) });
    expect(await cli('backup', '', { DATA_DIR: dir })).toMatchObject({ code: 64 });
  });
});
