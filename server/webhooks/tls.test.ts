import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolver } from './guarded-lookup.ts';
import { postJson } from './post.ts';
import { classifyWebhookError } from './webhook-error.ts';

function selfSignedCert(): { key: Buffer; cert: Buffer } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'bl-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch {
    return undefined;
  }
}

const tls = selfSignedCert();
if (!tls && process.env.CI === 'true')
  throw new Error('openssl could not make a test certificate; under CI=true the TLS test must run');
if (!tls) console.warn('skipping the TLS webhook test: openssl could not make a certificate');

(tls ? describe : describe.skip)('webhooks over https', () => {
  let server: Server;
  let port = 0;
  let requests = 0;
  beforeAll(async () => {
    server = createServer(tls!, (_req, res) => {
      requests++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('verifies the certificate on the pinned connection: a self-signed receiver is refused and the delivery retried', async () => {
    const asked: string[] = [];
    const resolver: Resolver = async (name) => {
      asked.push(name);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const err = await postJson(
      new URL(`https://localhost:${port}/hook`),
      '{}',
      {},
      { timeoutMs: 2000, allowLoopback: true, resolver },
    ).catch((e: unknown) => e);
    expect(classifyWebhookError(err)).toEqual({
      permanent: false,
      error: expect.stringMatching(/^E_WEBHOOK_NETWORK: .*self[- ]signed/i),
    });
    expect(asked).toEqual(['localhost']);
    expect(requests).toBe(0);
  });
});
