import type { Locale } from '../../shared/lead-spec.ts';

export interface ConfirmationStrings {
  subject: (company: string) => string;
  greeting: (name: string) => string;
  body: (company: string) => string[];
  notYou: string;
  closing: string;
}

// Fixed text: nothing the visitor typed appears except the name, so the form cannot mail arbitrary text to a third
// party.
export const CONFIRMATION_STRINGS: Record<Locale, ConfirmationStrings> = {
  de: {
    subject: (company) => `Ihre Anfrage bei ${company}`,
    greeting: (name) => `Guten Tag ${name},`,
    body: (company) => [
      `vielen Dank für Ihre Anfrage. Sie ist bei ${company} eingegangen, und wir melden uns so bald wie ` +
        `möglich bei Ihnen.`,
      'Wenn Sie noch etwas ergänzen möchten, antworten Sie einfach auf diese E-Mail.',
    ],
    notYou:
      'Diese E-Mail wurde automatisch versandt. Falls Sie keine Anfrage gestellt haben, können Sie sie ' +
      'einfach ignorieren.',
    closing: 'Mit freundlichen Grüßen',
  },
  en: {
    subject: (company) => `Your inquiry to ${company}`,
    greeting: (name) => `Hello ${name},`,
    body: (company) => [
      `thank you for your inquiry. ${company} has received it, and we will get back to you as soon as we can.`,
      'If you would like to add anything, simply reply to this email.',
    ],
    notYou: 'This email was sent automatically. If you did not send an inquiry, you can simply ignore it.',
    closing: 'Kind regards',
  },
};
