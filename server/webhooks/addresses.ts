import { BlockList, isIP } from 'node:net';

// Ranges a webhook must never reach: private networks, link-local (cloud metadata), CGNAT, unspecified, multicast,
// reserved.
const BLOCKED: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const blocked = new BlockList();
for (const [net, prefix, family] of BLOCKED) blocked.addSubnet(net, prefix, family);

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const family = (ip: string) => (isIP(ip) === 6 ? 'ipv6' : 'ipv4');

/** True for 127.0.0.0/8 and ::1, also when written as an IPv4-mapped IPv6 address. */
export function isLoopback(ip: string): boolean {
  return loopback.check(ip, family(ip));
}

/** Why a webhook may not connect to this IP address, or undefined when it may. */
export function addressProblem(ip: string, allowLoopback: boolean): string | undefined {
  if (!isIP(ip)) return `${ip} is not an IP address`;
  if (isLoopback(ip))
    return allowLoopback ? undefined : `${ip} is a loopback address (allowed only when NODE_ENV is not production)`;
  if (blocked.check(ip, family(ip))) return `${ip} is a private, link-local, metadata or reserved address`;
  return undefined;
}

/** The bare IP of a URL hostname ("[::1]" -> "::1"), or undefined for a DNS name. */
export function literalIp(hostname: string): string | undefined {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(bare) ? bare : undefined;
}
