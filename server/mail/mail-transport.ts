import type { Options } from 'nodemailer/lib/mailer';

/** What the outbox sends through: SMTP (transport.ts) or .eml files (eml-transport.ts). */
export interface MailTransport {
  describe: string;
  send(mail: Options): Promise<{ messageId: string; file?: string }>;
  close(): void;
}
