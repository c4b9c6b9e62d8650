import addressparser from 'nodemailer/lib/addressparser';

/** The domain of the MAIL_FROM address, the right-hand side of every Message-ID we mint. */
export function mailDomain(mailFrom: string): string {
  const parsed = addressparser(mailFrom, { flatten: true });
  const address = parsed.find((a) => a.address)?.address ?? '';
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return /^[a-z0-9.-]+$/.test(domain) ? domain : 'localhost';
}

/** Derived from the lead, so a resend of the same mail is recognisable as the same message. */
export function leadMessageId(leadId: string, mailFrom: string, purpose = 'lead'): string {
  return `<${purpose}-${leadId}@${mailDomain(mailFrom)}>`;
}
