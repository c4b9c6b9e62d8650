import { silentLogger } from '../logger.ts';
import type { MailTransport } from '../mail/mail-transport.ts';
import { createMailTransport } from '../mail/transport.ts';
import type { OutboxOptions } from '../outbox/outbox-types.ts';
import { type Outbox, startOutbox } from '../start-outbox.ts';
import { type Harness, makeHarness } from './app-harness.ts';
import type { DialectName } from './databases.ts';
import { type SmtpPeer, startSmtpPeer } from './smtp-peer.ts';

export const HOUR = 60 * 60_000;
/** The test backoff: 1 s, 2 s, 4 s ... capped at one minute, jitter pinned to the middle. */
export const TEST_BACKOFF = { baseMs: 1000, capMs: 60_000, random: () => 0.5 };

export interface OutboxFixture {
  h: Harness;
  peer: SmtpPeer;
  transport: MailTransport;
  outbox: Outbox;
  /** Posts a lead through the real route; resolves with its id. */
  post(body?: Record<string, unknown>): Promise<string>;
  job(
    leadId: string,
  ): Promise<{ id: string; state: string; attempts: number; last_error: string | null; sent_at: string | null }>;
  attempts(jobId: string): Promise<{ ok: number; error: string | null }[]>;
  close(): Promise<void>;
}

export const LEAD = {
  name: 'Jürgen Größe',
  email: 'juergen@example.de',
  company: 'Müller & Söhne GmbH',
  topic: 'KI-Strategie',
  message: 'Wir möchten Rechnungen automatisch auslesen.\nAm liebsten ab Januar.',
  locale: 'de',
};

/** A real app, a real SMTP peer, the real pooled transport and the outbox over one fresh database. */
export async function outboxFixture(
  dialect: DialectName,
  env: Record<string, string> = {},
  opts: Partial<OutboxOptions> = {},
): Promise<OutboxFixture> {
  const peer = await startSmtpPeer();
  let outbox: Outbox | undefined;
  const h = await makeHarness(
    dialect,
    {
      SMTP_URL: peer.url,
      MAIL_FROM: 'Beraten lassen <leads@beratung.example>',
      SALES_INBOX: 'vertrieb@beratung.example',
      PUBLIC_URL: 'https://leads.beratung.example',
      SMTP_CONNECT_TIMEOUT_MS: '3000',
      SMTP_SOCKET_TIMEOUT_MS: '3000',
      ...env,
    },
    { wakeOutbox: () => outbox?.wake() },
  );
  const transport = createMailTransport(h.config);
  outbox = startOutbox(
    { config: h.config, db: h.testDb.db, clock: h.deps.clock, logger: silentLogger, transport },
    { backoff: TEST_BACKOFF, ...opts },
  );
  const db = h.testDb.db.kysely;
  return {
    h,
    peer,
    transport,
    outbox,
    async post(body = LEAD) {
      const res = await h.app.request('/api/leads', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status !== 201) throw new Error(`POST /api/leads answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    },
    job: (leadId) =>
      db
        .selectFrom('jobs')
        .select(['id', 'state', 'attempts', 'last_error', 'sent_at'])
        .where('lead_id', '=', leadId)
        .executeTakeFirstOrThrow(),
    attempts: (jobId) =>
      db.selectFrom('job_attempts').select(['ok', 'error']).where('job_id', '=', jobId).orderBy('id').execute(),
    async close() {
      await outbox?.stop();
      transport.close();
      await peer.close();
      await h.close();
    },
  };
}
