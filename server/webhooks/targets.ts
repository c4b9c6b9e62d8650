import { createHash } from 'node:crypto';
import { addressProblem, isLoopback, literalIp } from './addresses.ts';

export type TargetFormat = 'standard' | 'slack';

export interface WebhookTarget {
  format: TargetFormat;
  url: URL;
}

export const SLACK = 'slack:';
// Cloud metadata services by name; their addresses (169.254.169.254, fd00:ec2::254) are refused by range as well.
const METADATA_NAMES = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
]);

const isLoopbackName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/** Splits "slack:https://..." or "https://..." into format and URL; throws with a readable reason. */
export function parseTarget(raw: string): WebhookTarget {
  const format: TargetFormat = raw.startsWith(SLACK) ? 'slack' : 'standard';
  const rest = format === 'slack' ? raw.slice(SLACK.length) : raw;
  let url: URL;
  try {
    url = new URL(rest);
  } catch {
    throw new Error(`"${rest}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`"${url.protocol}" is not https:`);
  return { format, url };
}

/** Whether plain http: is allowed for this URL: only to loopback, and never in production. */
export function httpAllowed(url: URL, production: boolean): boolean {
  if (production) return false;
  const ip = literalIp(url.hostname);
  return ip ? isLoopback(ip) : isLoopbackName(url.hostname);
}

/** What is wrong with a target at start-up (scheme, literal address, known metadata names), or undefined. */
export function targetProblem(raw: string, production: boolean): string | undefined {
  let target: WebhookTarget;
  try {
    target = parseTarget(raw);
  } catch (err) {
    return (err as Error).message;
  }
  const { url } = target;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (url.protocol === 'http:' && !httpAllowed(url, production)) {
    return (
      `${url.origin} must use https: (plain http: is allowed only to 127.0.0.1, ::1 or localhost when NODE_ENV ` +
      `is not production)`
    );
  }
  const ip = literalIp(host);
  if (ip) return addressProblem(ip, !production);
  if (METADATA_NAMES.has(host)) return `${host} is a cloud metadata service`;
  if (isLoopbackName(host) && production) return `${host} is loopback, which is refused when NODE_ENV=production`;
  return undefined;
}

/**
 * A target as the admin API shows it: scheme and host, never the path or query, where Slack, n8n and Zapier keep
 * their secret; a short fingerprint tells two targets on one host apart.
 */
export function describeTarget(raw: string): string {
  const fingerprint = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  try {
    const { format, url } = parseTarget(raw);
    return `${format === 'slack' ? SLACK : ''}${url.protocol}//${url.host}/… #${fingerprint}`;
  } catch {
    return `invalid target #${fingerprint}`;
  }
}
