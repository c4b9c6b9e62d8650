const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]);
}

// C0/C1 controls, DEL, line and paragraph separators, bidi overrides and isolates.
const NOT_ONE_LINE = /[\0-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/**
 * Folds a value onto one clean line: header values must never carry CR/LF, even though validation already refused it.
 */
export function oneLine(value: string, max = 200): string {
  // "=?" gets a space so text stored before encoded words were refused can never be decoded by a mail reader.
  const flat = value.replace(NOT_ONE_LINE, ' ').replace(/\s+/g, ' ').replace(/=\?/g, '= ?').trim();
  // No more UTF-16 units than the limit means no more code points either: the common case needs no split.
  if (flat.length <= max) return flat;
  const chars = [...flat];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : flat;
}

/**
 * A display name safe for an address object: nodemailer would send a CR/LF in a name as an encoded word
 * that decodes back to CR/LF, which strict parsers refuse, so it is folded away here.
 */
export function displayName(value: string): string {
  return oneLine(value, 120);
}
