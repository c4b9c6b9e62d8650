import { dirname } from 'node:path';
import nodemailer from 'nodemailer';
import { type Config, loadConfig } from '../server/config.ts';
import { sqlitePath } from '../server/db/connect.ts';
import { silentLogger } from '../server/logger.ts';
import { buildNotification } from '../server/mail/notification.ts';
import { sendWholeMessages } from '../server/mail/whole-message.ts';
import { OUTBOX_NICE, startOutboxThread } from '../server/start-outbox-thread.ts';
import { insertLead } from '../server/store/leads.ts';
import { freshSqlite } from '../server/testing/databases.ts';
import { threadCpuMs, threadsAtNice } from './load.ts';

const lead = {
  name: 'Jürgen Größe',
  email: 'juergen@example.de',
  company: 'Müller & Söhne GmbH',
  topic: 'KI-Strategie',
  message: 'Wir möchten Rechnungen automatisch auslesen und an unser ERP übergeben. Bitte um Rückruf.',
  locale: 'de' as const,
};

// The same settings for the bare loop's rendering and for the outbox thread.
const mailEnv = (smtpUrl: string, concurrency: number) => ({
  SMTP_URL: smtpUrl,
  MAIL_FROM: 'Leads <leads@kunde.de>',
  SALES_INBOX: 'vertrieb@kunde.de',
  MAIL_CONCURRENCY: String(concurrency),
});

/** The sales notification the outbox would send for the bench lead, rendered once: the same bytes on the wire. */
async function sampleNotification(config: Config) {
  const t = await freshSqlite();
  const { id } = await insertLead(t.db, () => new Date(), lead, [{ kind: 'mail.notification' }]);
  const row = await t.db.kysely.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  await t.drop();
  return buildNotification(row, config);
}

/** Mails per second, and CPU ms per mail of the thread that sent them (from /proc: its own CPU, not its waits). */
export interface DrainRun {
  rate: number;
  cpuMsPerMail: number;
}

/**
 * Mails per second from a bare pooled nodemailer loop sending the outbox's own notification (about 4.9 KB): the
 * ceiling for any outbox on this machine, with no storage, claiming or rendering. `whole`: one socket write per
 * message, as the outbox's transport sends.
 */
export async function bareMailLoop(smtpUrl: string, n: number, concurrency: number, whole = false): Promise<DrainRun> {
  const mail = await sampleNotification(loadConfig(mailEnv(smtpUrl, concurrency)));
  const mailer = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: concurrency });
  if (whole) sendWholeMessages(mailer);
  let next = 0;
  const cpu0 = threadCpuMs(process.pid);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        await mailer.sendMail({ ...mail, messageId: `<bare-${i}@kunde.de>` });
      }
    }),
  );
  const rate = n / ((performance.now() - t0) / 1000);
  const cpuMsPerMail = (threadCpuMs(process.pid) - cpu0) / n;
  mailer.close();
  return { rate, cpuMsPerMail };
}

export interface OutboxDrain {
  /** Stores n leads, then times the outbox sending their mails: mails per second. */
  drain(n: number): Promise<DrainRun>;
  close(): Promise<void>;
}

/**
 * The outbox thread as the server runs it: one long-lived thread over one database, so its code is as warm in later
 * rounds as the bare loop's (a fresh thread per round spent its first seconds compiling).
 */
export async function openOutboxDrain(smtpUrl: string, concurrency: number): Promise<OutboxDrain> {
  const t = await freshSqlite();
  const clock = () => new Date();
  const env = { ...mailEnv(smtpUrl, concurrency), DATA_DIR: dirname(sqlitePath(t.url)), LOG_LEVEL: 'silent' };
  // The outbox thread lowers its own priority to OUTBOX_NICE: that is how the bench finds it.
  const before = new Set(threadsAtNice(OUTBOX_NICE));
  const outbox = startOutboxThread({ logger: silentLogger, env });
  await outbox.ready;
  const [tid] = threadsAtNice(OUTBOX_NICE).filter((task) => !before.has(task));
  const cpu = () => (tid ? threadCpuMs(tid) : Number.NaN);
  return {
    async drain(n) {
      await Promise.all(
        Array.from({ length: n }, () => insertLead(t.db, clock, lead, [{ kind: 'mail.notification' }])),
      );
      const cpu0 = cpu();
      const t0 = performance.now();
      const sent = await outbox.drainOnce();
      const rate = sent / ((performance.now() - t0) / 1000);
      if (sent !== n) throw new Error(`outbox drained ${sent} of ${n}`);
      return { rate, cpuMsPerMail: (cpu() - cpu0) / n };
    },
    async close() {
      await outbox.stop();
      await t.drop();
    },
  };
}
