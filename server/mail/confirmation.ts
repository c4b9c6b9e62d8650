import type { Options } from 'nodemailer/lib/mailer';
import type { LeadsTable } from '../db/schema.ts';
import { CONFIRMATION_STRINGS } from './confirmation-strings.ts';
import { displayName, escapeHtml, oneLine } from './escape.ts';
import { leadMessageId } from './message-id.ts';

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
  const p = (t: string) => `<p>${escapeHtml(t)}</p>`;
  const html = [
    `<!doctype html><html lang="${lead.locale === 'en' ? 'en' : 'de'}"><head><meta ` +
      `charset="utf-8"><title>${escapeHtml(s.subject(company))}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a">',
    ...paragraphs.map(p),
    `<p>${escapeHtml(s.closing)}<br>${signature.map(escapeHtml).join('<br>')}</p>`,
    `<p style="color:#666;font-size:13px">${escapeHtml(s.notYou)}</p>`,
    '</body></html>',
  ].join('\n');
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
