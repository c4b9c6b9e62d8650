import addressparser from 'nodemailer/lib/addressparser';
import type { Options } from 'nodemailer/lib/mailer';
import type { LeadsTable } from '../db/schema.ts';
import { displayName, escapeHtml, oneLine } from '../mail/escape.ts';
import { leadMessageId } from '../mail/message-id.ts';
import { visitorMailHtml } from '../mail/visitor-mail-html.ts';
import { OPTIN_STRINGS } from './optin-strings.ts';

export interface OptInMailSettings {
  MAIL_FROM: string;
  COMPANY_NAME?: string;
  companyContact: string[];
}

/** COMPANY_NAME, else the display name of MAIL_FROM, else its domain: whoever the visitor consents to hear from. */
export function senderName(settings: OptInMailSettings): string {
  if (settings.COMPANY_NAME?.trim()) return oneLine(settings.COMPANY_NAME, 120);
  const from = addressparser(settings.MAIL_FROM, { flatten: true })[0];
  return oneLine(from?.name || from?.address?.split('@')[1] || 'uns', 120);
}

/** The double opt-in mail, in the lead's language: fixed text, the visitor's name and the link, nothing else. */
export function buildOptInMail(
  lead: Pick<LeadsTable, 'id' | 'name' | 'email' | 'locale'>,
  link: string,
  expiresAt: string,
  settings: OptInMailSettings,
): Options {
  const s = OPTIN_STRINGS[lead.locale === 'en' ? 'en' : 'de'];
  const company = senderName(settings);
  const name = displayName(lead.name);
  const until = new Intl.DateTimeFormat(s.dateLocale, { dateStyle: 'long', timeZone: 'Europe/Berlin' }).format(
    new Date(expiresAt),
  );
  const paragraphs = [s.greeting(name), ...s.mailBody(company, until)];
  const signature = [company, ...settings.companyContact.map((line) => oneLine(line, 200))];
  const text = `${[...paragraphs, `${s.linkLabel}:\n${link}`, `${s.closing}\n${signature.join('\n')}`, '--', s.notYou].join('\n\n')}\n`;
  const extra = [
    `<p><a href="${escapeHtml(link)}" style="display:inline-block;padding:10px 18px;background:#0b5cad;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(s.linkLabel)}</a></p>`,
    `<p style="font-size:13px;word-break:break-all">${escapeHtml(link)}</p>`,
  ];
  const lang = lead.locale === 'en' ? 'en' : 'de';
  const html = visitorMailHtml({
    lang,
    title: s.subject(company),
    paragraphs,
    extra,
    closing: s.closing,
    signature,
    notYou: s.notYou,
  });
  return {
    from: settings.MAIL_FROM,
    to: { name, address: lead.email },
    subject: s.subject(company),
    text,
    html,
    messageId: leadMessageId(lead.id, settings.MAIL_FROM, 'optin'),
    // RFC 3834: an out-of-office reply must not answer an automatic mail.
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Lead-Id': lead.id },
  };
}
