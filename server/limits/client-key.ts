import { createHmac } from 'node:crypto';
import { type BlockList, isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { isTrusted, normalizeAddress } from './trust-proxy.ts';

/** Stands in for the socket address where there is none (app.request() in tests, other runtimes). */
export const NO_SOCKET = 'no-socket';

function socketAddress(c: Context): string | undefined {
  try {
    const address = getConnInfo(c).remote.address;
    return address ? normalizeAddress(address) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The visitor's address: the socket's, or, only when the socket is a trusted proxy, the nearest
 * X-Forwarded-For entry that is not itself a trusted proxy (as proxy-addr does).
 */
export function clientAddress(c: Context, trust: BlockList | undefined): string {
  const socket = socketAddress(c);
  if (!socket) return NO_SOCKET;
  if (!trust) return socket;
  const forwarded = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => normalizeAddress(s.trim()))
    .filter(Boolean);
  let address = socket;
  while (isTrusted(trust, address) && forwarded.length) {
    const next = forwarded.pop()!;
    if (!isIP(next)) break;
    address = next;
  }
  return address;
}

/** An IPv6 visitor owns at least a /64 and could rotate within it, so the /64 is the client. */
export function addressGroup(address: string): string {
  if (isIP(address) !== 6 || address.includes('.')) return address;
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/** A keyed hash of the address group: limits can tell clients apart without storing an IP (Breyer). */
export function clientKey(address: string, secret: string): string {
  return createHmac('sha256', secret)
    .update(`client:${addressGroup(address)}`)
    .digest('base64url')
    .slice(0, 27);
}
