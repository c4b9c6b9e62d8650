import { randomUUID } from 'node:crypto';
import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Options } from 'nodemailer/lib/mailer';
import type { MailTransport } from './mail-transport.ts';

// The Message-ID's local part names the mail (lead-<id>, confirm-<id>, alert-<job>), so two mails of one lead differ.
function fileStem(mail: Options, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const headers = mail.headers && !Array.isArray(mail.headers) ? (mail.headers as Record<string, unknown>) : {};
  const leadId = typeof headers['X-Lead-Id'] === 'string' ? headers['X-Lead-Id'] : '';
  const local = String(mail.messageId ?? '').replace(/^<|@.*$|>$/g, '');
  const tag = (local || leadId || 'mail').replace(/[^A-Za-z0-9-]/g, '');
  return `${stamp}-${tag || 'mail'}`;
}

/** Publishes `tmp` under the first free name `stem.eml`, `stem-2.eml`, ...: a link never replaces an existing file. */
async function publish(tmp: string, stem: string): Promise<string> {
  for (let n = 1; ; n++) {
    const file = `${stem}${n > 1 ? `-${n}` : ''}.eml`;
    try {
      await link(tmp, file);
      await unlink(tmp);
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 100) throw err;
    }
  }
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
    describe: emlDescription(mailDir),
    async send(mail) {
      const info = await mailer.sendMail({ ...mail, disableFileAccess: true, disableUrlAccess: true });
      await mkdir(mailDir, { recursive: true });
      const stem = join(mailDir, fileStem(mail, new Date()));
      // Written under a name of its own, then linked into place, so a mail program never opens a half-written file.
      const tmp = `${stem}.${randomUUID()}.tmp`;
      await writeFile(tmp, info.message as Buffer, { flag: 'wx' });
      return { messageId: info.messageId, file: await publish(tmp, stem) };
    },
    close() {
      mailer.close();
    },
  };
}

export const emlDescription = (mailDir: string) => `.eml files in ${mailDir} (set SMTP_URL to send)`;
