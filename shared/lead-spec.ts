// The one lead spec: field rules as data plus a tiny check, bundled by the widget and wrapped in zod by the server.
// No zod here: it would cost the widget 20 KB and a CSP `unsafe-eval`.

export const LOCALES = ['de', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export type FieldKind = 'line' | 'email' | 'phone' | 'text';
export interface FieldRule {
  required?: boolean;
  max: number;
  kind: FieldKind;
}

export const LEAD_FIELDS = {
  name: { required: true, max: 120, kind: 'line' },
  email: { required: true, max: 254, kind: 'email' },
  company: { max: 160, kind: 'line' },
  phone: { max: 40, kind: 'phone' },
  topic: { max: 120, kind: 'line' },
  message: { required: true, max: 5000, kind: 'text' },
} as const satisfies Record<string, FieldRule>;

export type LeadField = keyof typeof LEAD_FIELDS;
export const FIELD_NAMES = Object.keys(LEAD_FIELDS) as LeadField[];

// Attribution the widget sends; each value is a short single line.
export const SOURCE_KEYS = [
  'url',
  'referrer',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
] as const;
export type SourceKey = (typeof SOURCE_KEYS)[number];
export const SOURCE_MAX = 2048;
export const CONSENT_VERSION_MAX = 64;
export const MAX_BODY_BYTES = 32 * 1024;

export type IssueCode =
  | 'required'
  | 'too_long'
  | 'invalid_email'
  | 'invalid_phone'
  | 'invalid_chars'
  | 'encoded_word'
  | 'invalid_type'
  | 'invalid_value'
  | 'unknown_field';

export const MESSAGES: Record<Locale, Record<IssueCode, string>> = {
  de: {
    required: 'Bitte füllen Sie dieses Feld aus.',
    too_long: 'Bitte höchstens {max} Zeichen.',
    invalid_email: 'Bitte geben Sie eine gültige E-Mail-Adresse an.',
    invalid_phone: 'Bitte nur Ziffern, Leerzeichen und + - / ( ).',
    invalid_chars: 'Dieses Feld enthält unzulässige Steuerzeichen.',
    encoded_word: 'Bitte ohne die Zeichenfolge =?…?= schreiben.',
    invalid_type: 'Dieser Wert hat den falschen Typ.',
    invalid_value: 'Dieser Wert ist nicht zulässig.',
    unknown_field: 'Dieses Feld ist unbekannt.',
  },
  en: {
    required: 'Please fill in this field.',
    too_long: 'Please use at most {max} characters.',
    invalid_email: 'Please enter a valid email address.',
    invalid_phone: 'Please use only digits, spaces and + - / ( ).',
    invalid_chars: 'This field contains control characters that are not allowed.',
    encoded_word: 'Please leave out the sequence =?…?=.',
    invalid_type: 'This value has the wrong type.',
    invalid_value: 'This value is not allowed.',
    unknown_field: 'This field is unknown.',
  },
};

// C0/C1 controls and DEL (tab and newlines only in multi-line text), bidi overrides/isolates; U+2028/9 break lines in
// mail clients.
export const CONTROL_LINE = /[\0-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
export const CONTROL_TEXT = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
// One plain address: dot-atom local part of at most 64 (no quotes, comments or lists), a dotted domain (IDN or punycode
// TLD).
// Made on first use: creating this /u pattern with its \p classes took about 0.5 ms of every page load's start.
let email: RegExp | undefined;
const emailPattern = () =>
  (email ??=
    /^(?=[^@]{1,64}@)[\w!#$%&'*+/=?^`{|}~-]+(\.[\w!#$%&'*+/=?^`{|}~-]+)*@([\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+(\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/u);
// RFC 2047 encoded-word syntax: mail readers decode it in headers, so `=?UTF-8?B?…?=` could smuggle a CR/LF there.
export const ENCODED_WORD = /=\?.*\?=/;
export const PHONE = /^[\d +\-/()]*\d[\d +\-/()]*$/;

/** Counts code points, so an emoji is one character, as a visitor would count it. */
export function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** True when the string has no lone surrogate, no disallowed control and no bidi override. */
export function cleanText(value: string, multiline = false): boolean {
  return value.isWellFormed() && !(multiline ? CONTROL_TEXT : CONTROL_LINE).test(value);
}

/** Checks one field's string value; returns the issue code or undefined. Trimming is the caller's job. */
export function checkField(field: LeadField, value: string): IssueCode | undefined {
  const rule: FieldRule = LEAD_FIELDS[field];
  if (!value) return rule.required ? 'required' : undefined;
  if (!cleanText(value, rule.kind === 'text')) return 'invalid_chars';
  if (rule.kind !== 'text' && ENCODED_WORD.test(value)) return 'encoded_word';
  if (codePoints(value) > rule.max) return 'too_long';
  if (rule.kind === 'email' && !emailPattern().test(value)) return 'invalid_email';
  if (rule.kind === 'phone' && !PHONE.test(value)) return 'invalid_phone';
  return undefined;
}

/** Checks one attribution value; page addresses must be http(s), since the admin renders them as links. */
export function checkSource(key: SourceKey, value: string): IssueCode | undefined {
  if (!cleanText(value)) return 'invalid_chars';
  if (ENCODED_WORD.test(value)) return 'encoded_word';
  if (codePoints(value) > SOURCE_MAX) return 'too_long';
  if ((key === 'url' || key === 'referrer') && value && !/^https?:\/\//i.test(value)) return 'invalid_value';
  return undefined;
}

export function message(locale: Locale, code: IssueCode, field?: LeadField): string {
  const max = field ? LEAD_FIELDS[field].max : SOURCE_MAX;
  return MESSAGES[locale][code].replace('{max}', String(max));
}

export function pickLocale(value: unknown): Locale {
  return value === 'en' ? 'en' : 'de';
}
