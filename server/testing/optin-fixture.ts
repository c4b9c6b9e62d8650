import { admin, body, TOKEN } from './admin-harness.ts';
import type { DialectName } from './databases.ts';
import { LEAD } from './outbox-fixture.ts';
import type { ReceivedMail } from './smtp-peer.ts';
import { type WebhookFixture, webhookFixture } from './webhook-fixture.ts';

export const VISITOR = { ...LEAD, email: 'anna.beispiel@example.org', name: 'Anna Beispiel', marketing: true };

export interface MarketingDetail {
  lead: { marketing: boolean };
  marketingConsent: {
    state: string;
    requestedAt: string | null;
    expiresAt: string | null;
    confirmedAt: string | null;
    textVersion: string | null;
  };
  audit: { action: string; detail: string | null }[];
}

export interface OptInFixture extends WebhookFixture {
  /** Posts a lead, runs the outbox, and returns its id and the opt-in mail it produced (if any). */
  postAndMail(lead?: Record<string, unknown>): Promise<{ id: string; mail?: ReceivedMail }>;
  /** The link in an opt-in mail, as path and query (so a test can aim it at any server). */
  linkOf(mail: ReceivedMail): { url: URL; token: string };
  detail(id: string): Promise<MarketingDetail>;
  open(token: string): Promise<{ status: number; html: string; headers: Headers }>;
  confirm(token: string): Promise<{ status: number; html: string }>;
}

/** Real app, outbox, SMTP peer and webhook receiver, with the admin API on, for double opt-in tests. */
export async function optInFixture(dialect: DialectName, env: Record<string, string> = {}): Promise<OptInFixture> {
  const w = await webhookFixture(dialect, (url) => ({ WEBHOOK_URLS: url, ADMIN_TOKEN: TOKEN, ...env }));
  const { f } = w;
  const toVisitor = (m: ReceivedMail, email: string) =>
    m.envelope.to.includes(email.toLowerCase()) && m.parsed.messageId?.startsWith('<optin-');
  return {
    ...w,
    async postAndMail(lead = VISITOR) {
      const before = f.peer.mails.length;
      const id = await f.post(lead);
      await f.outbox.drainOnce();
      const mail = f.peer.mails.slice(before).find((m) => toVisitor(m, String(lead.email)));
      return { id, mail };
    },
    linkOf(mail) {
      const match = String(mail.parsed.text).match(/https?:\/\/\S+\/consent\/marketing\?t=\S+/);
      if (!match) throw new Error('no confirmation link in the mail');
      const url = new URL(match[0]);
      return { url, token: url.searchParams.get('t')! };
    },
    detail: async (id) => body<MarketingDetail>(await admin(f.h, `/leads/${id}`)),
    async open(token) {
      const res = await f.h.app.request(`/consent/marketing?t=${encodeURIComponent(token)}`);
      return { status: res.status, html: await res.text(), headers: res.headers };
    },
    async confirm(token) {
      const res = await f.h.app.request('/consent/marketing', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ t: token }).toString(),
      });
      return { status: res.status, html: await res.text() };
    },
  };
}
