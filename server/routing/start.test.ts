import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../testing/server-process.ts';

const dataDir = () => mkdtempSync(join(tmpdir(), 'bl-routes-'));

describe('SALES_ROUTES at the start of the server process', () => {
  let proc: ServerProcess | undefined;
  afterEach(() => {
    proc?.child.kill('SIGKILL');
    proc = undefined;
  });

  it('stops the start on a topic listed twice, naming SALES_ROUTES and how to write it', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        SALES_ROUTES: 'Schulungen=a@firma.de;SCHULUNGEN=b@firma.de',
        DATA_DIR: dataDir(),
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(res.status).toBe(78);
    expect(res.stderr).toContain('SALES_ROUTES: the topic "SCHULUNGEN" is listed twice');
    expect(res.stderr).toContain('write it as SALES_ROUTES="KI-Strategie=strategie@firma.de;');
  });

  it('says in the start banner how many topic routes it mails to', async () => {
    proc = await startServerProcess({ DATA_DIR: dataDir(), SALES_ROUTES: 'A=a@firma.de;B=b@firma.de' });
    expect(proc.output()).toMatch(/mail: .* -> sales@localhost \(and 2 topic routes from SALES_ROUTES\)/);
  });
});
