import {
  CONSENT_VERSION_MAX,
  CONTROL_LINE,
  CONTROL_TEXT,
  type FieldRule,
  LEAD_FIELDS,
  type LeadField,
  PHONE,
  SOURCE_MAX,
  type SourceKey,
} from '../../shared/lead-spec.ts';

// JSON Schema keywords for the spec's rules, so the API document shows the lengths and formats the server checks.
// Patterns avoid \p{..} and \d (Unicode digits in other regex dialects) so that any JSON Schema tool reads them alike.

type Keywords = { description: string; maxLength: number; minLength?: number; pattern?: string; format?: string };

/** Any run of characters the spec allows: the complement of its control-character class. */
const allowed = (control: RegExp) => `[^${control.source.slice(1)}*`;
const LINE = allowed(CONTROL_LINE);
const TEXT = allowed(CONTROL_TEXT);
// The spec's phone pattern with ASCII digits spelled out, optional around white space the server trims.
const PHONE_BODY = PHONE.source.slice(1, -1).replaceAll('[\\d', '[0-9').replaceAll('\\d', '[0-9]');
const ATOM = "[A-Za-z0-9_!#$%&'*+/=?^`{|}~-]+";

const trimmed = 'Surrounding white space is trimmed';

/** The JSON Schema of one lead field, from LEAD_FIELDS. */
export function fieldKeywords(field: LeadField): Keywords {
  const rule: FieldRule = LEAD_FIELDS[field];
  const length = `${rule.required ? 'required, ' : ''}at most ${rule.max} characters (code points)`;
  // A required field must keep a character after trimming; an optional one may be empty, which counts as absent.
  const nonBlank = rule.required ? (rule.kind === 'text' ? '(?=[\\s\\S]*\\S)' : '(?=.*\\S)') : '';
  const min = rule.required ? { minLength: 1 } : {};
  switch (rule.kind) {
    case 'line':
      return {
        description: `One line, ${length}. ${trimmed}.`,
        ...min,
        maxLength: rule.max,
        pattern: `^${nonBlank}${LINE}$`,
      };
    case 'text':
      return {
        description: `Text with line breaks and tabs, no other control characters; ${length}. ${trimmed}.`,
        ...min,
        maxLength: rule.max,
        pattern: `^${nonBlank}${TEXT}$`,
      };
    case 'email':
      return {
        description:
          `One plain address, ${length}: an ASCII dot-atom local part of at most 64 characters (no quotes, comments ` +
          'or lists) and a dotted domain name, internationalised or punycode (no IP literal). ' +
          `${trimmed}.`,
        ...min,
        maxLength: rule.max,
        format: 'idn-email',
        pattern: `^\\s*(?=[^@]{1,64}@)${ATOM}(\\.${ATOM})*@[^\\s@]+\\s*$`,
      };
    case 'phone':
      return {
        description: `Digits, spaces and + - / ( ), at least one digit; ${length}. ${trimmed}.`,
        ...min,
        maxLength: rule.max,
        pattern: `^\\s*(${PHONE_BODY})?\\s*$`,
      };
  }
}

/** The JSON Schema of one attribution value; page addresses are http(s) URLs or empty. */
export function sourceKeywords(key: SourceKey): Keywords {
  const length = `at most ${SOURCE_MAX} characters`;
  if (key === 'url' || key === 'referrer')
    return {
      description: `An http(s) address or empty, one line, ${length}.`,
      maxLength: SOURCE_MAX,
      pattern: `^([hH][tT][tT][pP][sS]?://${LINE})?$`,
    };
  return { description: `One line, ${length}.`, maxLength: SOURCE_MAX, pattern: `^${LINE}$` };
}

export const consentVersionKeywords: Keywords = {
  description: `The consent text's version, one line, at most ${CONSENT_VERSION_MAX} characters.`,
  maxLength: CONSENT_VERSION_MAX,
  pattern: `^${LINE}$`,
};
