import type { Locale } from '../../shared/lead-spec.ts';

/** Bump when the wording below changes: each record keeps the version its visitor was shown. */
export const OPTIN_TEXT_VERSION = 'optin-2026-12';

export type PageKind = 'ask' | 'confirmed' | 'already' | 'expired' | 'invalid' | 'gone';

export interface OptInStrings {
  subject: (company: string) => string;
  greeting: (name: string) => string;
  mailBody: (company: string, until: string) => string[];
  linkLabel: string;
  notYou: string;
  closing: string;
  dateLocale: string;
  pages: Record<PageKind, { title: string; text: string }>;
  button: string;
  revoke: string;
}

// Fixed text: nothing the visitor typed appears but the name, so the form cannot mail arbitrary text to a third party.
export const OPTIN_STRINGS: Record<Locale, OptInStrings> = {
  de: {
    subject: (company) => `Bitte bestätigen: Informationen von ${company} per E-Mail`,
    greeting: (name) => `Guten Tag ${name},`,
    mailBody: (company, until) => [
      `Sie haben bei Ihrer Anfrage angekreuzt, dass ${company} Ihnen Informationen zu Angeboten und Veranstaltungen per E-Mail senden darf.`,
      `Bitte bestätigen Sie das über den folgenden Link (gültig bis ${until}). Ohne Bestätigung senden wir Ihnen keine Werbung; Ihre Anfrage bearbeiten wir so oder so.`,
    ],
    linkLabel: 'Einwilligung bestätigen',
    notYou:
      'Diese E-Mail wurde automatisch versandt. Falls Sie das nicht angekreuzt haben, ignorieren Sie sie einfach: ohne Bestätigung geschieht nichts.',
    closing: 'Mit freundlichen Grüßen',
    dateLocale: 'de-DE',
    pages: {
      ask: {
        title: 'Einwilligung bestätigen',
        text: 'Bitte bestätigen Sie mit dem Knopf, dass wir Ihnen Informationen zu Angeboten und Veranstaltungen per E-Mail senden dürfen.',
      },
      confirmed: {
        title: 'Vielen Dank, Ihre Einwilligung ist bestätigt',
        text: 'Wir dürfen Ihnen nun Informationen per E-Mail senden.',
      },
      already: {
        title: 'Dieser Link wurde bereits verwendet',
        text: 'Ihre Einwilligung ist schon bestätigt; es ist nichts weiter zu tun.',
      },
      expired: {
        title: 'Dieser Link ist abgelaufen',
        text: 'Die Einwilligung wurde nicht bestätigt. Wenn Sie weiterhin Informationen erhalten möchten, kreuzen Sie es bei Ihrer nächsten Anfrage erneut an.',
      },
      invalid: {
        title: 'Dieser Link ist ungültig',
        text: 'Der Link ist unvollständig oder verändert; es wurde nichts bestätigt. Bitte öffnen Sie den Link genau so, wie er in der E-Mail steht.',
      },
      gone: {
        title: 'Dieser Link gilt nicht mehr',
        text: 'Die zugehörige Anfrage wurde gelöscht; es wurde nichts bestätigt.',
      },
    },
    button: 'Einwilligung bestätigen',
    revoke:
      'Sie können die Einwilligung jederzeit mit Wirkung für die Zukunft widerrufen, etwa mit einer Antwort auf unsere E-Mails.',
  },
  en: {
    subject: (company) => `Please confirm: information from ${company} by email`,
    greeting: (name) => `Hello ${name},`,
    mailBody: (company, until) => [
      `With your inquiry you ticked that ${company} may send you information about offers and events by email.`,
      `Please confirm this with the link below (valid until ${until}). Without confirmation we send you no marketing; your inquiry is handled either way.`,
    ],
    linkLabel: 'Confirm consent',
    notYou:
      'This email was sent automatically. If you did not tick this, simply ignore it: nothing happens without confirmation.',
    closing: 'Kind regards',
    dateLocale: 'en-GB',
    pages: {
      ask: {
        title: 'Confirm your consent',
        text: 'Please confirm with the button that we may send you information about offers and events by email.',
      },
      confirmed: { title: 'Thank you, your consent is confirmed', text: 'We may now send you information by email.' },
      already: {
        title: 'This link has already been used',
        text: 'Your consent is already confirmed; nothing more to do.',
      },
      expired: {
        title: 'This link has expired',
        text: 'Your consent was not confirmed. If you still want to hear from us, tick the box again with your next inquiry.',
      },
      invalid: {
        title: 'This link is not valid',
        text: 'The link is incomplete or altered; nothing was confirmed. Please open the link exactly as it appears in the email.',
      },
      gone: {
        title: 'This link is no longer valid',
        text: 'The inquiry it belonged to was deleted; nothing was confirmed.',
      },
    },
    button: 'Confirm consent',
    revoke:
      'You can withdraw your consent at any time with effect for the future, for example by replying to our emails.',
  },
};
