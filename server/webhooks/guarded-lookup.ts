import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { addressProblem } from './addresses.ts';
import { WebhookError } from './webhook-error.ts';

/**
 * Resolves every address of a name, as dns.lookup(name, {all: true}) does; injectable so a test can play a hostile DNS.
 */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

/**
 * A socket `lookup` that refuses a name if any of its addresses is private, link-local or metadata, and hands the
 * socket exactly the addresses it checked: the connection cannot be re-pointed by a second, different DNS answer.
 */
export function guardedLookup(resolver: Resolver, allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolver(hostname).then(
      (addresses) => {
        const wanted =
          options.family === 4 || options.family === 6
            ? addresses.filter((a) => a.family === options.family)
            : addresses;
        const problem = addresses.map((a) => addressProblem(a.address, allowLoopback)).find(Boolean);
        if (problem) return callback(new WebhookError('BLOCKED', `${hostname} resolves to ${problem}`, true), '', 4);
        if (!wanted.length)
          return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 4);
        if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, wanted);
        callback(null, wanted[0].address, wanted[0].family);
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, '', 4),
    );
  };
}
