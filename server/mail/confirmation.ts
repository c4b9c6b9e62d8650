import type { Options } from 'nodemailer/lib/mailer';
import type { LeadsTable } from '../db/schema.ts';
import { CONFIRMATION_STRINGS } from './confirmation-strings.ts';
import { displayName, oneLine } from './escape.ts';
import { leadMessageId } from './message-id.ts';
import { visitorMailHtml } from './visitor-mail-html.ts';

export interface ConfirmationSettings {
  MAIL_FROM: string;
  salesInbox: string[];
  COMPANY_NAME?: string;
  companyContact: string[];
}

/** The lead fields a confirmation may use: the name and the address it goes to, nothing else the visitor typed. */
export type ConfirmationLead = Pick<LeadsTable, 'id' | 'name' | 'email' | 'locale'>;

/** The thank-you mail to the visitor, in the lead's language; replies go to sales. */
export function buildConfirmation(lead: ConfirmationLead, settings: ConfirmationSettings): Options {
  const s = CONFIRMATION_STRINGS[lead.locale === 'en' ? 'en' : 'de'];
  const company = oneLine(settings.COMPANY_NAME ?? '', 120);
  const name = displayName(lead.name);
  const signature = [company, ...settings.companyContact.map((line) => oneLine(line, 200))];
  const paragraphs = [s.greeting(name), ...s.body(company)];
  const text = `${[...paragraphs, `${s.closing}\n${signature.join('\n')}`, '--', s.notYou].join('\n\n')}\n`;
  const lang = lead.locale === 'en' ? 'en' : 'de';
  const html = visitorMailHtml({
    lang,
    title: s.subject(company),
    paragraphs,
    closing: s.closing,
    signature,
    notYou: s.notYou,
  });
  return {
    from: settings.MAIL_FROM,
    to: { name, address: lead.email },
    replyTo: settings.salesInbox,
    subject: s.subject(company),
    text,
    html,
    messageId: leadMessageId(lead.id, settings.MAIL_FROM, 'confirm'),
    // RFC 3834: an out-of-office reply must not answer an automatic mail.
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Lead-Id': lead.id },
  };
}
