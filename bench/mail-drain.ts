import nodemailer from 'nodemailer';
import { loadConfig } from '../server/config.ts';
import { silentLogger } from '../server/logger.ts';
import { createMailTransport } from '../server/mail/transport.ts';
import { startOutbox } from '../server/start-outbox.ts';
import { insertLead } from '../server/store/leads.ts';
import { freshSqlite } from '../server/testing/databases.ts';

const lead = {
  name: 'Jürgen Größe',
  email: 'juergen@example.de',
  company: 'Müller & Söhne GmbH',
  topic: 'KI-Strategie',
  message: 'Wir möchten Rechnungen automatisch auslesen und an unser ERP übergeben. Bitte um Rückruf.',
  locale: 'de' as const,
};

/** Mails per second from a bare pooled nodemailer loop: the ceiling for any outbox on this machine. */
export async function bareMailLoop(smtpUrl: string, n: number, concurrency: number): Promise<number> {
  const mailer = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: concurrency });
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        await mailer.sendMail({
          from: 'Leads <leads@kunde.de>',
          to: 'vertrieb@kunde.de',
          replyTo: { name: lead.name, address: lead.email },
          subject: `Anfrage: ${lead.topic} – ${lead.company} – ${lead.name} #${i}`,
          text: lead.message,
          html: `<p>${lead.message}</p>`,
        });
      }
    }),
  );
  const rate = n / ((performance.now() - t0) / 1000);
  mailer.close();
  return rate;
}

/** Mails per second the outbox drains from SQLite to the same peer: claim, render, send, record. */
export async function outboxDrain(smtpUrl: string, n: number, concurrency: number): Promise<number> {
  const t = await freshSqlite();
  const clock = () => new Date();
  await Promise.all(Array.from({ length: n }, () => insertLead(t.db, clock, lead, [{ kind: 'mail.notification' }])));
  const config = loadConfig({
    SMTP_URL: smtpUrl,
    MAIL_FROM: 'Leads <leads@kunde.de>',
    SALES_INBOX: 'vertrieb@kunde.de',
    MAIL_CONCURRENCY: String(concurrency),
  });
  const transport = createMailTransport(config);
  const outbox = startOutbox({ config, db: t.db, clock, logger: silentLogger, transport });
  const t0 = performance.now();
  const sent = await outbox.drainOnce();
  const rate = sent / ((performance.now() - t0) / 1000);
  transport.close();
  await t.drop();
  if (sent !== n) throw new Error(`outbox drained ${sent} of ${n}`);
  return rate;
}
