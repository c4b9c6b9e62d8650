import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';
import { createEmlTransport, emlDescription } from './eml-transport.ts';
import type { MailTransport } from './mail-transport.ts';
import { mailTimeouts } from './timeouts.ts';
import { sendWholeMessages } from './whole-message.ts';

function describeSmtp(url: string): string {
  const safe = new URL(url);
  safe.password = '';
  safe.username = '';
  return `SMTP ${safe.host}`;
}

/** Where mail goes, for the start banner (no credentials). */
export function describeMailTransport(config: Config): string {
  return config.SMTP_URL ? describeSmtp(config.SMTP_URL) : emlDescription(config.mailDir);
}

/** Pooled SMTP with our own timeouts when SMTP_URL is set, else .eml files under the mail dir. */
export function createMailTransport(config: Config): MailTransport {
  if (!config.SMTP_URL) return createEmlTransport(config.mailDir);
  const t = mailTimeouts(config);
  const mailer = nodemailer.createTransport({
    url: config.SMTP_URL,
    pool: true,
    maxConnections: config.MAIL_CONCURRENCY,
    // The outbox retries with backoff and records each try; a silent requeue inside the pool would hide them.
    maxRequeues: 0,
    connectionTimeout: t.connectionTimeout,
    greetingTimeout: t.greetingTimeout,
    socketTimeout: t.socketTimeout,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  sendWholeMessages(mailer);
  return {
    describe: describeSmtp(config.SMTP_URL),
    async send(mail) {
      // A plain timer: AbortSignal.timeout() builds a DOMException for every send, fired or not.
      const deadline = new AbortController();
      const timer = setTimeout(
        () => deadline.abort(new Error(`send deadline of ${t.sendDeadlineMs} ms passed`)),
        t.sendDeadlineMs,
      );
      try {
        const info = await mailer.sendMail({
          ...mail,
          disableFileAccess: true,
          disableUrlAccess: true,
          signal: deadline.signal,
        });
        return { messageId: info.messageId };
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      mailer.close();
    },
  };
}
