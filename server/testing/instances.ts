import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresMissing } from './databases.ts';

/** Skip reason for PostgreSQL-only suites; under CI=true a missing PostgreSQL throws instead. */
export async function clusterSkipReason(): Promise<string | undefined> {
  const missing = await postgresMissing();
  if (missing && process.env.CI === 'true') throw new Error(`${missing}; under CI=true PostgreSQL is required`);
  if (missing) console.warn(`skipping multi-instance suite: ${missing}`);
  return missing;
}

// Every instance must share this secret, or a challenge signed by one is refused by another.
const SHARED_SECRET = 'cluster-test-secret-0123456789abcdef0123456789';

/** The environment of one instance in a cluster on one PostgreSQL database. */
export function instanceEnv(
  databaseUrl: string,
  smtpUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'bl-cluster-')),
    SMTP_URL: smtpUrl,
    MAIL_FROM: 'Leads <leads@kunde.de>',
    SALES_INBOX: 'vertrieb@kunde.de',
    CHALLENGE_SECRET: SHARED_SECRET,
    MIN_FILL_SECONDS: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_PER_DAY: '0',
    // The shortest timeouts give the shortest lease (about 34 s), so a dead instance's jobs are taken over sooner.
    SMTP_CONNECT_TIMEOUT_MS: '1000',
    SMTP_SOCKET_TIMEOUT_MS: '1000',
    ...extra,
  };
}

/** A port nobody listens on right now, for a server whose /healthz must be polled before its start banner. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** The /healthz status code, or 0 while nothing listens. */
export async function healthStatus(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/healthz`);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
