import type { Locale, SourceKey } from '../../shared/lead-spec.ts';

export interface NotificationStrings {
  subjectPrefix: string;
  heading: string;
  intro: string;
  fields: { name: string; email: string; company: string; phone: string; topic: string; message: string };
  attribution: string;
  source: Record<SourceKey, string>;
  noAttribution: string;
  consentHeading: string;
  consent: string;
  consentVersion: string;
  marketing: string;
  yes: string;
  no: string;
  received: string;
  leadId: string;
  adminLink: string;
  replyHint: string;
  empty: string;
}

// The lead's locale picks the language, so a sales team can route English inquiries by subject.
export const NOTIFICATION_STRINGS: Record<Locale, NotificationStrings> = {
  de: {
    subjectPrefix: 'Neue Anfrage',
    heading: 'Neue Anfrage über „Beraten lassen“',
    intro:
      'Eine neue Anfrage ist eingegangen. Antworten Sie einfach auf diese E-Mail, um die anfragende Person ' +
      'zu erreichen.',
    fields: { name: 'Name', email: 'E-Mail', company: 'Firma', phone: 'Telefon', topic: 'Thema', message: 'Nachricht' },
    attribution: 'Herkunft',
    source: {
      url: 'Seite',
      referrer: 'Verweis (Referrer)',
      utm_source: 'utm_source',
      utm_medium: 'utm_medium',
      utm_campaign: 'utm_campaign',
      utm_term: 'utm_term',
      utm_content: 'utm_content',
    },
    noAttribution: 'keine Angaben',
    consentHeading: 'Einwilligungen',
    consent: 'Datenschutzhinweis bestätigt',
    consentVersion: 'Version des Hinweises',
    marketing: 'Werbe-Einwilligung',
    yes: 'ja',
    no: 'nein',
    received: 'Eingegangen',
    leadId: 'Anfrage-ID',
    adminLink: 'In der Admin-API öffnen',
    replyHint: 'Antwort an',
    empty: '–',
  },
  en: {
    subjectPrefix: 'New inquiry',
    heading: 'New inquiry via “Beraten lassen”',
    intro: 'A new inquiry has arrived. Reply to this email to reach the person who sent it.',
    fields: { name: 'Name', email: 'Email', company: 'Company', phone: 'Phone', topic: 'Topic', message: 'Message' },
    attribution: 'Attribution',
    source: {
      url: 'Page',
      referrer: 'Referrer',
      utm_source: 'utm_source',
      utm_medium: 'utm_medium',
      utm_campaign: 'utm_campaign',
      utm_term: 'utm_term',
      utm_content: 'utm_content',
    },
    noAttribution: 'none',
    consentHeading: 'Consent',
    consent: 'Privacy notice acknowledged',
    consentVersion: 'Notice version',
    marketing: 'Marketing opt-in',
    yes: 'yes',
    no: 'no',
    received: 'Received',
    leadId: 'Lead ID',
    adminLink: 'Open in the admin API',
    replyHint: 'Reply to',
    empty: '–',
  },
};
