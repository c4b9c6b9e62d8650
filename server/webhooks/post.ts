import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { addressProblem, literalIp } from './addresses.ts';
import { guardedLookup, type Resolver } from './guarded-lookup.ts';
import { httpAllowed } from './targets.ts';
import { WebhookError } from './webhook-error.ts';

export interface PostOptions {
  timeoutMs: number;
  /** Loopback targets are for development only. */
  allowLoopback: boolean;
  resolver: Resolver;
}

const SNIPPET_BYTES = 300;

function refuse(url: URL, allowLoopback: boolean): WebhookError | undefined {
  if (url.protocol === 'http:' && !httpAllowed(url, !allowLoopback))
    return new WebhookError('BLOCKED', `${url.origin} is not https:`, true);
  const ip = literalIp(url.hostname);
  const problem = ip && addressProblem(ip, allowLoopback);
  return problem ? new WebhookError('BLOCKED', problem, true) : undefined;
}

function failure(res: IncomingMessage, snippet: string): WebhookError {
  const status = res.statusCode ?? 0;
  const said = snippet.trim() ? `: ${snippet}` : '';
  if (status === 410) return new WebhookError('GONE', `410 Gone: the receiver asked us to stop${said}`, true);
  if (status >= 300 && status < 400)
    return new WebhookError(
      'REDIRECT',
      `${status} redirect to ${res.headers.location ?? '?'} (redirects are not followed)`,
    );
  return new WebhookError('HTTP', `${status}${said}`);
}

/**
 * POSTs a JSON body once. Resolves with the status on a 2xx; rejects with a WebhookError otherwise. Every request gets
 * a fresh connection whose address was checked (no pooled socket from an earlier policy), and redirects are never
 * followed.
 */
export function postJson(url: URL, body: string, headers: Record<string, string>, opts: PostOptions): Promise<number> {
  const refused = refuse(url, opts.allowLoopback);
  if (refused) return Promise.reject(refused);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err: Error | undefined, status?: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(status!);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: 'POST',
        agent: false,
        lookup: guardedLookup(opts.resolver, opts.allowLoopback),
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'BeratenLassen-Webhooks/1',
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          res.resume();
          settle(undefined, status);
          return;
        }
        let snippet = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          snippet += chunk;
          if (snippet.length >= SNIPPET_BYTES) res.destroy();
        });
        res.on('close', () => settle(failure(res, snippet.slice(0, SNIPPET_BYTES))));
      },
    );
    const timer = setTimeout(() => {
      settle(new WebhookError('TIMEOUT', `${url.origin} gave no answer within ${opts.timeoutMs} ms`));
      req.destroy();
    }, opts.timeoutMs);
    req.on('error', (err) => settle(err));
    req.end(body);
  });
}
