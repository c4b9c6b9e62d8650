import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** A Standard Webhooks secret for tests (base64 of 32 bytes). */
export const TEST_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** The payload as standardwebhooks' Webhook.verify returned it, or undefined when verification failed. */
  verified: unknown;
  verifyError?: string;
}

/** What the receiver does with the nth request (0-based): answer with a status, or never answer. */
export type Reply = number | 'hang';

export interface Receiver {
  url: string;
  received: Received[];
  /** Replies for the next requests, in order; after them it answers 200. */
  replyNext(...replies: Reply[]): void;
  /** Stops listening (connection refused) until up(). */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** A real HTTP receiver on 127.0.0.1 that verifies every request with the standardwebhooks package. */
export async function startReceiver(secret = TEST_SECRET): Promise<Receiver> {
  const webhook = new Webhook(secret);
  const received: Received[] = [];
  const replies: Reply[] = [];
  let server: Server | undefined;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const entry: Received = { headers: req.headers, body, verified: undefined };
          try {
            entry.verified = webhook.verify(body, req.headers as Record<string, string>);
          } catch (err) {
            entry.verifyError = (err as Error).message;
          }
          received.push(entry);
          const reply = replies.shift() ?? 200;
          if (reply === 'hang') return;
          res.writeHead(reply, { 'content-type': 'text/plain' }).end(reply >= 300 ? `receiver says ${reply}` : 'ok');
        });
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      const s = server;
      server = undefined;
      s.close(() => resolve());
      s.closeAllConnections();
    });

  await listen();
  return {
    url: `http://127.0.0.1:${port}/hooks/crm`,
    received,
    replyNext: (...r) => void replies.push(...r),
    down: stop,
    up: listen,
    close: stop,
  };
}
