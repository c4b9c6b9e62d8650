import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { ensureAdminTokenFile } from './token-file.ts';

const dir = () => join(mkdtempSync(join(tmpdir(), 'bl-token-')), 'data');

describe('admin token file', () => {
  it('creates a random 64-hex token with mode 0600 on the first start', () => {
    const d = dir();
    const t = ensureAdminTokenFile(d);
    expect(t.created).toBe(true);
    expect(t.token).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(d, 'admin-token'), 'utf8').trim()).toBe(t.token);
    expect(statSync(t.file).mode & 0o777).toBe(0o600);
    expect(() => loadConfig({ ADMIN_TOKEN: t.token })).not.toThrow();
  });

  it('reuses the token on later starts', () => {
    const d = dir();
    const first = ensureAdminTokenFile(d);
    const second = ensureAdminTokenFile(d);
    expect(second).toEqual({ ...first, created: false });
  });

  it('tightens a token file that others may read', () => {
    const d = dir();
    const { file } = ensureAdminTokenFile(d);
    chmodSync(file, 0o644);
    ensureAdminTokenFile(d);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a file with a short token and says how to fix it', () => {
    const d = dir();
    ensureAdminTokenFile(d);
    writeFileSync(join(d, 'admin-token'), 'short\n');
    expect(() => ensureAdminTokenFile(d)).toThrow(/delete it to get a new one, or set ADMIN_TOKEN/);
  });
});
