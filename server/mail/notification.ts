import type { Options } from 'nodemailer/lib/mailer';
import { SOURCE_KEYS } from '../../shared/lead-spec.ts';
import type { LeadsTable } from '../db/schema.ts';
import { adminLeadUrl } from '../links.ts';
import { storedRecipients } from '../routing/sales-routes.ts';
import { parseSource } from '../store/leads.ts';
import { type MarketingState, marketingState } from '../store/marketing-consent.ts';
import { displayName, escapeHtml, oneLine } from './escape.ts';
import { leadMessageId } from './message-id.ts';
import { NOTIFICATION_STRINGS, type NotificationStrings } from './notification-strings.ts';

export interface NotificationSettings {
  MAIL_FROM: string;
  salesInbox: string[];
  PUBLIC_URL?: string;
}

type Row = [label: string, value: string];

// Building a DateTimeFormat costs about a millisecond; one per language is enough.
const FORMATS = {
  de: new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' }),
};

// Formatting a date costs more than the rest of the mail's text; leads of one burst share their minute.
let lastMinute = { key: '', text: '' };

function receivedAt(iso: string, locale: string): string {
  const lang = locale === 'en' ? 'en' : 'de';
  const key = `${lang} ${iso.slice(0, 16)}`;
  if (lastMinute.key !== key) lastMinute = { key, text: FORMATS[lang].format(new Date(iso)) };
  return `${lastMinute.text} (Europe/Berlin, ${iso})`;
}

/** Scannable in an inbox list: topic, company, name; missing parts are left out. */
export function notificationSubject(lead: LeadsTable, s: NotificationStrings = strings(lead)): string {
  const parts = [lead.topic, lead.company, lead.name].filter((p): p is string => Boolean(p)).map((p) => oneLine(p, 80));
  return oneLine(`${s.subjectPrefix}: ${parts.join(' · ')}`, 240);
}

function strings(lead: LeadsTable): NotificationStrings {
  return NOTIFICATION_STRINGS[lead.locale === 'en' ? 'en' : 'de'];
}

// Says what happened: a form without a consent box (Art. 6(1)(b)) is "not asked", never a worrying "no".
function consentRows(lead: LeadsTable, s: NotificationStrings, marketing: MarketingState): Row[] {
  const asked = lead.consent_asked === null ? Number(lead.consent) === 1 : Number(lead.consent_asked) === 1;
  const privacy = !asked
    ? s.consentStates.notAsked
    : Number(lead.consent) === 1
      ? s.consentStates.given
      : s.consentStates.notGiven;
  const rows: Row[] = [[s.consent, privacy]];
  if (asked) rows.push([s.consentVersion, lead.consent_version || s.empty]);
  rows.push([s.marketing, s.marketingStates[marketing]]);
  return rows;
}

function sections(lead: LeadsTable, s: NotificationStrings, marketing: MarketingState) {
  const dash = (v: string | null) => v || s.empty;
  const contact: Row[] = [
    [s.fields.name, lead.name],
    [s.fields.email, lead.email],
    [s.fields.company, dash(lead.company)],
    [s.fields.phone, dash(lead.phone)],
    [s.fields.topic, dash(lead.topic)],
  ];
  const source = parseSource(lead.source) ?? {};
  const attribution: Row[] = SOURCE_KEYS.filter((k) => source[k]).map((k) => [s.source[k], String(source[k])]);
  const consent = consentRows(lead, s, marketing);
  const meta: Row[] = [
    [s.received, receivedAt(lead.created_at, lead.locale)],
    [s.leadId, lead.id],
  ];
  return { contact, attribution, consent, meta };
}

function textBody(lead: LeadsTable, s: NotificationStrings, adminUrl: string | undefined, m: MarketingState): string {
  const { contact, attribution, consent, meta } = sections(lead, s, m);
  const rows = (list: Row[]) => list.map(([label, value]) => `${label}: ${value}`).join('\n');
  return `${[
    s.heading,
    s.intro,
    rows(contact),
    `${s.fields.message}:\n${lead.message}`,
    `${s.attribution}:\n${attribution.length ? rows(attribution) : s.noAttribution}`,
    `${s.consentHeading}:\n${rows(consent)}`,
    rows(meta) + (adminUrl ? `\n${s.adminLink}: ${adminUrl}` : ''),
  ].join('\n\n')}\n`;
}

// Every visitor string passes escapeHtml; visitor URLs stay text, never links, so no javascript: href can slip in.
function htmlBody(lead: LeadsTable, s: NotificationStrings, adminUrl: string | undefined, m: MarketingState): string {
  const { contact, attribution, consent, meta } = sections(lead, s, m);
  const cell = 'padding:4px 12px 4px 0;vertical-align:top;text-align:left';
  const table = (list: Row[]) =>
    `<table role="presentation" style="border-collapse:collapse">${list
      .map(
        ([label, value]) =>
          `<tr><th style="${cell};font-weight:600">${escapeHtml(label)}</th><td ` +
          `style="${cell}">${escapeHtml(value)}</td></tr>`,
      )
      .join('')}</table>`;
  const h2 = (text: string) => `<h2 style="font-size:16px;margin:20px 0 6px">${escapeHtml(text)}</h2>`;
  const link = adminUrl ? `<p><a href="${escapeHtml(adminUrl)}">${escapeHtml(s.adminLink)}</a></p>` : '';
  return [
    `<!doctype html><html lang="${lead.locale === 'en' ? 'en' : 'de'}"><head><meta ` +
      `charset="utf-8"><title>${escapeHtml(notificationSubject(lead, s))}</title></head>`,
    `<body style="font-family:system-ui,sans-serif;font-size:14px;line-height:1.5;color:#1a1a1a">`,
    `<h1 style="font-size:18px">${escapeHtml(s.heading)}</h1><p>${escapeHtml(s.intro)}</p>`,
    table(contact),
    h2(s.fields.message),
    `<div style="white-space:pre-wrap;border-left:3px solid #ccc;padding-left:10px">${escapeHtml(lead.message)}</div>`,
    h2(s.attribution),
    attribution.length ? table(attribution) : `<p>${escapeHtml(s.noAttribution)}</p>`,
    h2(s.consentHeading),
    table(consent),
    `<hr style="border:0;border-top:1px solid #ddd;margin:20px 0">`,
    table(meta),
    link,
    `</body></html>`,
  ].join('\n');
}

/** The sales notification for one stored lead, in the lead's language, to the recipients fixed when it was stored. */
export function buildNotification(
  lead: LeadsTable,
  settings: NotificationSettings,
  marketing: MarketingState = marketingState(lead, undefined),
): Options {
  const s = strings(lead);
  const adminUrl = adminLeadUrl(settings.PUBLIC_URL, lead.id);
  return {
    from: settings.MAIL_FROM,
    to: storedRecipients(lead.recipients, settings.salesInbox),
    replyTo: { name: displayName(lead.name), address: lead.email },
    subject: notificationSubject(lead, s),
    text: textBody(lead, s, adminUrl, marketing),
    html: htmlBody(lead, s, adminUrl, marketing),
    messageId: leadMessageId(lead.id, settings.MAIL_FROM),
    headers: { 'X-Lead-Id': lead.id },
  };
}
