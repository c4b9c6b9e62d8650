import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from './testing/server-process.ts';
import { threadNice } from './testing/thread-sched.ts';
import { until } from './testing/until.ts';

const lead = { name: 'Anna Schäfer', email: 'anna@example.de', message: 'Bitte rufen Sie mich an.' };
const dataDir = () => mkdtempSync(join(tmpdir(), 'bl-main-'));

describe('server process', () => {
  let proc: ServerProcess | undefined;
  afterEach(() => {
    proc?.child.kill('SIGKILL');
    proc = undefined;
  });

  it('prints where it listens, where leads and mails go, and how to reach the admin API', async () => {
    const dir = dataDir();
    proc = await startServerProcess({ DATA_DIR: dir });
    const out = proc.output();
    expect(out).toMatch(/listens on http:\/\/localhost:\d+/);
    expect(out).toContain(join(dir, 'leads.db'));
    expect(out).toMatch(/mail: .*\.eml/);
    expect(out).toMatch(/admin:/);
    const health = await fetch(`${proc.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('keeps its other threads below the request thread, the outbox thread lowest', async () => {
    proc = await startServerProcess({ DATA_DIR: dataDir() });
    const pid = proc.child.pid!;
    const niceOf = (task: string) => threadNice(task, pid);
    const others = () => readdirSync(`/proc/${pid}/task`).filter((task) => Number(task) !== pid);
    const nices = () => others().map(niceOf);
    // The outbox thread starts after the server listens, and sets its own nice value.
    const settled = () => nices().every((n) => n >= 5) && nices().includes(10);
    await until(settled, 10_000, 'every other thread at nice 5 or more, and one at 10');
    expect(niceOf(String(pid))).toBe(0);
    expect(nices().filter((n) => n === 10)).toHaveLength(1);
  });

  it('refuses to start on a wrong setting and names the variable and the fix', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { PATH: process.env.PATH ?? '', PORT: 'eighty', DATA_DIR: dataDir() },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/PORT/);
    expect(res.stderr).toMatch(/\.env\.example/);
  });

  it('refuses an ALLOWED_ORIGINS entry with a path and says how to write it', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { PATH: process.env.PATH ?? '', ALLOWED_ORIGINS: 'https://www.kunde.de/kontakt', DATA_DIR: dataDir() },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(
      /ALLOWED_ORIGINS: "https:\/\/www.kunde.de\/kontakt" is not an origin; write it as https:\/\/www.example.de/,
    );
  });

  it('on SIGTERM finishes the request in flight and exits 0', async () => {
    proc = await startServerProcess({ DATA_DIR: dataDir() });
    // A slow upload keeps a request in flight while the signal arrives.
    const body = JSON.stringify(lead);
    const { port } = new URL(proc.url);
    const answer = new Promise<{ status: number }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/leads',
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        proc!.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 300);
    });
    const res = await answer;
    expect(res.status).toBe(201);
    expect(await proc.exited).toBe(0);
  });
});
