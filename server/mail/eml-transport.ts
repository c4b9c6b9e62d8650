import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Options } from 'nodemailer/lib/mailer';
import type { MailTransport } from './mail-transport.ts';

function fileStem(mail: Options, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const headers = mail.headers && !Array.isArray(mail.headers) ? (mail.headers as Record<string, unknown>) : {};
  const leadId = typeof headers['X-Lead-Id'] === 'string' ? headers['X-Lead-Id'] : '';
  const tag = (leadId || String(mail.messageId ?? 'mail')).replace(/[^A-Za-z0-9-]/g, '');
  return `${stamp}-${tag || 'mail'}`;
}

/**
 * Without SMTP_URL every mail becomes an .eml file that any mail program opens; nothing is lost while SMTP is not set
 * up.
 */
export function createEmlTransport(mailDir: string): MailTransport {
  const mailer = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    describe: `.eml files in ${mailDir} (set SMTP_URL to send)`,
    async send(mail) {
      const info = await mailer.sendMail({ ...mail, disableFileAccess: true, disableUrlAccess: true });
      await mkdir(mailDir, { recursive: true });
      const file = join(mailDir, `${fileStem(mail, new Date())}.eml`);
      // Write then rename, so a mail program never opens a half-written file.
      await writeFile(`${file}.tmp`, info.message as Buffer);
      await rename(`${file}.tmp`, file);
      return { messageId: info.messageId, file };
    },
    close() {
      mailer.close();
    },
  };
}
