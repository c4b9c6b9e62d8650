import { BlockList, isIP } from 'node:net';

/** Strips the IPv4-mapped IPv6 prefix, so 127.0.0.1 is one client however the socket reports it. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address.toLowerCase();
}

function addItem(list: BlockList, item: string): boolean {
  if (item === 'loopback') {
    list.addSubnet('127.0.0.0', 8, 'ipv4');
    list.addAddress('::1', 'ipv6');
    return true;
  }
  const [address, prefix, extra] = item.split('/');
  const family = isIP(address ?? '');
  if (!family || extra !== undefined) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) {
    list.addAddress(address, type);
    return true;
  }
  const bits = Number(prefix);
  if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) return false;
  list.addSubnet(address, bits, type);
  return true;
}

const items = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The config check: undefined when TRUST_PROXY is fine, else what to write instead. */
export function trustProxyProblem(value: string | undefined): string | undefined {
  const probe = new BlockList();
  const bad = items(value).filter((item) => !addItem(probe, item));
  if (!bad.length) return undefined;
  return (
    `"${bad.join('", "')}" is not a proxy address; list the proxies' IPs or CIDR ranges separated by commas ` +
    `(e.g. 10.0.0.5,172.16.0.0/12), or write loopback`
  );
}

/** The proxies whose X-Forwarded-For is believed; undefined when none is (the default). */
export function parseTrustProxy(value: string | undefined): BlockList | undefined {
  const list = items(value);
  if (!list.length) return undefined;
  const blocks = new BlockList();
  for (const item of list) addItem(blocks, item);
  return blocks;
}

export function isTrusted(blocks: BlockList | undefined, address: string): boolean {
  const family = isIP(address);
  return Boolean(blocks && family && blocks.check(address, family === 4 ? 'ipv4' : 'ipv6'));
}
