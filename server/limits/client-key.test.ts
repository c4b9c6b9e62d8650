import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { addressGroup, clientAddress, clientKey, NO_SOCKET } from './client-key.ts';
import { parseTrustProxy } from './trust-proxy.ts';

/** What clientAddress makes of one request with this socket address and X-Forwarded-For. */
async function seen(trustProxy: string | undefined, remoteAddress: string | undefined, xff?: string): Promise<string> {
  const app = new Hono();
  const trust = parseTrustProxy(trustProxy);
  app.get('/', (c) => c.text(clientAddress(c, trust)));
  const env = remoteAddress === undefined ? undefined : { incoming: { socket: { remoteAddress } } };
  const res = await app.request('/', { headers: xff ? { 'X-Forwarded-For': xff } : {} }, env);
  return res.text();
}

describe('client address', () => {
  it('is the socket address when no proxy is trusted, whatever X-Forwarded-For says', async () => {
    expect(await seen(undefined, '203.0.113.5', '1.2.3.4')).toBe('203.0.113.5');
  });

  it('is the nearest untrusted X-Forwarded-For hop behind trusted proxies', async () => {
    expect(await seen('loopback,10.0.0.0/8', '127.0.0.1', '6.6.6.6, 198.51.100.9, 10.1.2.3')).toBe('198.51.100.9');
    expect(await seen('10.0.0.5', '::ffff:10.0.0.5', '198.51.100.9')).toBe('198.51.100.9');
  });

  it('stops at a hop that is not an address instead of believing what lies beyond it', async () => {
    expect(await seen('loopback', '127.0.0.1', '198.51.100.9, garbage')).toBe('127.0.0.1');
  });

  it('falls back to a fixed stand-in when there is no socket (app.request without env)', async () => {
    expect(await seen(undefined, undefined)).toBe(NO_SOCKET);
  });
});

describe('client key', () => {
  it('groups an IPv6 address by its /64 and leaves IPv4 alone', () => {
    expect(addressGroup('2001:db8:0:1::5')).toBe('2001:db8:0:1::/64');
    expect(addressGroup('2001:0db8:0000:0001:ffff:0:0:1')).toBe('2001:db8:0:1::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('192.0.2.1')).toBe('192.0.2.1');
  });

  it('is a keyed hash: no address inside, different under another secret', () => {
    const a = clientKey('192.0.2.1', 's'.repeat(32));
    expect(a).not.toContain('192');
    expect(a).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect(clientKey('192.0.2.1', 't'.repeat(32))).not.toBe(a);
    expect(clientKey('192.0.2.2', 's'.repeat(32))).not.toBe(a);
  });
});
