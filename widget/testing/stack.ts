import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { AppDeps } from '../../server/deps.ts';
import { silentLogger } from '../../server/logger.ts';
import type { MailTransport } from '../../server/mail/mail-transport.ts';
import { createMailTransport } from '../../server/mail/transport.ts';
import { type Outbox, startOutbox } from '../../server/start-outbox.ts';
import { type Harness, makeHarness } from '../../server/testing/app-harness.ts';
import { type SmtpPeer, startSmtpPeer } from '../../server/testing/smtp-peer.ts';
import { ensureBuilt } from './build.ts';

export interface HostPage {
  html: string;
  /** Response headers, e.g. a Content-Security-Policy. */
  headers?: Record<string, string>;
  type?: string;
}

export interface Stack {
  /** API (and widget) origin, http://127.0.0.1:P1. */
  api: string;
  /** The customer's site, http://localhost:P2: another origin. */
  host: string;
  h: Harness;
  peer: SmtpPeer;
  /** Serves a page (or a stylesheet) on the host origin. */
  page(path: string, page: HostPage): string;
  leads(): Promise<
    {
      id: string;
      name: string;
      email: string;
      status: string;
      topic: string | null;
      message: string;
      locale: string;
      source: string | null;
      marketing: number;
      consent: number;
    }[]
  >;
  jobs(): Promise<{ lead_id: string | null; kind: string; state: string }[]>;
  close(): Promise<void>;
}

const listen = (server: Server, host?: string) =>
  new Promise<number>((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));

/** The real app (SQLite file, outbox, SMTP peer) on one origin and a tiny host-page server on another. */
export async function startStack(env: Record<string, string> = {}, overrides: Partial<AppDeps> = {}): Promise<Stack> {
  await ensureBuilt();
  const pages = new Map<string, HostPage>();
  const hostServer = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // The browser asks for a favicon on its own; answer it so its 404 never looks like the widget's.
    if (path === '/favicon.ico') return res.writeHead(204).end();
    const page = pages.get(path);
    if (!page) return res.writeHead(404).end('not found');
    res
      .writeHead(200, {
        'Content-Type': page.type ?? 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        ...page.headers,
      })
      .end(page.html);
  });
  const host = `http://localhost:${await listen(hostServer)}`;

  const peer = await startSmtpPeer();
  let outbox: Outbox | undefined;
  const h = await makeHarness(
    'sqlite',
    {
      ALLOWED_ORIGINS: host,
      SMTP_URL: peer.url,
      SALES_INBOX: 'vertrieb@beratung.example',
      MAIL_FROM: 'Beraten lassen <leads@beratung.example>',
      ...env,
    },
    { wakeOutbox: () => outbox?.wake(), ...overrides },
  );
  const transport: MailTransport = createMailTransport(h.config);
  outbox = startOutbox({ config: h.config, db: h.testDb.db, clock: h.deps.clock, logger: silentLogger, transport });
  outbox.start();
  const apiServer = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve) =>
    apiServer.listening ? resolve() : apiServer.once('listening', () => resolve()),
  );
  const api = `http://127.0.0.1:${(apiServer.address() as AddressInfo).port}`;
  const db = h.testDb.db.kysely;

  return {
    api,
    host,
    h,
    peer,
    page(path, page) {
      pages.set(path, page);
      return host + path;
    },
    leads: () =>
      db
        .selectFrom('leads')
        .select(['id', 'name', 'email', 'status', 'topic', 'message', 'locale', 'source', 'marketing', 'consent'])
        .orderBy('id')
        .execute(),
    jobs: () => db.selectFrom('jobs').select(['lead_id', 'kind', 'state']).execute(),
    async close() {
      await outbox?.stop();
      transport.close();
      apiServer.closeAllConnections();
      hostServer.closeAllConnections();
      await new Promise((r) => apiServer.close(r));
      await new Promise((r) => hostServer.close(r));
      await peer.close();
      await h.close();
    },
  };
}

/** The CSP the widget promises to work under, for a host page that embeds it from `api`. */
export const strictCsp = (api: string) =>
  `default-src 'self'; script-src ${api}; style-src 'self'; connect-src ${api}; require-trusted-types-for 'script'`;

/** A host page embedding the widget; attrs are extra attributes for the script tag. */
export function hostHtml(
  api: string,
  opts: { attrs?: string; body?: string; lang?: string; head?: string; scripts?: number } = {},
): string {
  const tag = `<script async src="${api}/widget.js" data-privacy-url="/datenschutz" ${opts.attrs ?? ''}></script>`;
  return `<!doctype html><html lang="${opts.lang ?? 'de'}"><head><meta charset="utf-8"><title>Kunde</title>${opts.head ?? ''}</head><body>${opts.body ?? '<main><h1>Kunde</h1></main>'}${tag.repeat(opts.scripts ?? 1)}</body></html>`;
}
