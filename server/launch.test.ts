import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the launcher is plain JavaScript, run by node without a build step.
import { OUTPUTS, staleReason } from './launch.mjs';
import { PROJECT_ROOT } from './paths.ts';
import { startServerProcess } from './testing/server-process.ts';
import { START_FLAGS } from './testing/start-flags.ts';

const touch = (file: string, secondsAgo: number) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '');
  const t = Date.now() / 1000 - secondsAgo;
  utimesSync(file, t, t);
};

describe('npm start', () => {
  it('builds when an output is missing, when a source is newer, and not when only a test changed', () => {
    const root = mkdtempSync(join(tmpdir(), 'bl-launch-'));
    for (const dir of ['server', 'shared', 'widget']) touch(join(root, dir, 'a.ts'), 100);
    expect(staleReason(root)).toBe('dist/widget.js is missing');
    for (const out of OUTPUTS) touch(join(root, out), 50);
    expect(staleReason(root)).toBeUndefined();
    touch(join(root, 'server', 'a.test.ts'), 0);
    touch(join(root, 'server', 'testing', 'helper.ts'), 0);
    expect(staleReason(root)).toBeUndefined();
    touch(join(root, 'shared', 'deep', 'lead-spec.ts'), 0);
    expect(staleReason(root)).toBe('sources changed since the last build');
  });

  const outDir = join(PROJECT_ROOT, 'dist', `test-node-${process.pid}`);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it("runs the compiled server with plain node and the start script's flags: health, demo page and a stored lead", async () => {
    const tsc = spawnSync(
      process.execPath,
      [join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir],
      {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
      },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    const main = join(outDir, 'server', 'main.js');
    expect(readFileSync(main, 'utf8')).not.toMatch(/from '\.[^']*\.ts'/);
    expect(readdirSync(join(outDir, 'server'))).not.toContain('testing');
    const proc = await startServerProcess(
      { DATA_DIR: mkdtempSync(join(tmpdir(), 'bl-built-')), MIN_FILL_SECONDS: '0' },
      30_000,
      main,
      START_FLAGS,
    );
    try {
      expect((await fetch(`${proc.url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${proc.url}/`)).text()).toContain('Maßgeschneiderte KI-Lösungen');
      const res = await fetch(`${proc.url}/api/leads`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Anna Schäfer', email: 'anna@example.de', message: 'Bitte rufen Sie an.' }),
      });
      expect(res.status).toBe(201);
    } finally {
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    }
  });
});
