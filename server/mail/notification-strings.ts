import type { Locale, SourceKey } from '../../shared/lead-spec.ts';
import type { MarketingState } from '../store/marketing-consent.ts';

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
  consentStates: { notAsked: string; given: string; notGiven: string };
  marketing: string;
  marketingStates: Record<MarketingState, string>;
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
    consent: 'Datenschutzhinweis',
    consentVersion: 'Version des Hinweises',
    consentStates: {
      notAsked: 'nicht abgefragt (Anfrage nach Art. 6 Abs. 1 lit. b DSGVO, kein Häkchen nötig)',
      given: 'abgefragt und bestätigt',
      notGiven: 'abgefragt, nicht bestätigt',
    },
    marketing: 'Werbe-Einwilligung',
    marketingStates: {
      not_asked: 'nicht abgefragt',
      declined: 'abgefragt, nicht erteilt',
      pending: 'angekreuzt, Bestätigung per E-Mail ausstehend (Double-Opt-in); bis dahin keine Werbung',
      confirmed: 'per E-Mail bestätigt (Double-Opt-in)',
      unconfirmed: 'angekreuzt vor Einführung des Double-Opt-in, nie bestätigt; keine Werbung',
    },
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
    consent: 'Privacy notice',
    consentVersion: 'Notice version',
    consentStates: {
      notAsked: 'not asked (an inquiry under Art. 6(1)(b) GDPR needs no tick box)',
      given: 'asked and given',
      notGiven: 'asked, not given',
    },
    marketing: 'Marketing opt-in',
    marketingStates: {
      not_asked: 'not asked',
      declined: 'asked, not given',
      pending: 'ticked, email confirmation pending (double opt-in); no marketing until then',
      confirmed: 'confirmed by email (double opt-in)',
      unconfirmed: 'ticked before double opt-in existed, never confirmed; no marketing',
    },
    received: 'Received',
    leadId: 'Lead ID',
    adminLink: 'Open in the admin API',
    replyHint: 'Reply to',
    empty: '–',
  },
};
