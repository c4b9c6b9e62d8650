import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AdminTokenFile {
  token: string;
  file: string;
  created: boolean;
}

/**
 * The embedded default has no ADMIN_TOKEN, so the first start writes a random one to DATA_DIR/admin-token (mode 0600)
 * and later starts reuse it: the admin API works out of the box without a guessable default.
 */
export function ensureAdminTokenFile(dataDir: string): AdminTokenFile {
  const file = join(dataDir, 'admin-token');
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(32).toString('hex');
  try {
    // wx: two instances starting at once cannot overwrite each other's token.
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return { token, file, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const saved = readFileSync(file, 'utf8').trim();
  if (saved.length < 32 || !/^[A-Za-z0-9._~+/-]+=*$/.test(saved)) {
    throw new Error(
      `${file} does not hold a usable admin token (32+ letters or digits); delete it to get a new one, or ` +
        `set ADMIN_TOKEN`,
    );
  }
  // Tighten a file someone copied in with looser rights: it is a password.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return { token: saved, file, created: false };
}
