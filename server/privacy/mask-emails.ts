// An address anywhere in a text, plain or URL-encoded (%40), Unicode (IDN, SMTPUTF8) included, e.g. inside an SMTP reply.
const EMAIL =
  /([\p{L}\p{N}\p{M}._%+-])[\p{L}\p{N}\p{M}._%+-]*(@|%40)((?:[\p{L}\p{N}\p{M}%](?:[\p{L}\p{N}\p{M}%-]*[\p{L}\p{N}\p{M}])?\.)+(?:xn--[a-z0-9-]+|[\p{L}\p{M}%0-9]{2,}))/gu;

/** juergen@müller.de -> j***@müller.de: enough to tell two visitors apart, not enough to write to them. */
export function maskEmails(text: string): string {
  return text.replace(EMAIL, (_m, first: string, at: string, domain: string) => `${first}***${at}${domain}`);
}
