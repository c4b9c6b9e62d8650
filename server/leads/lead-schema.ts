import { z } from 'zod';
import type { LeadInput, ValidationIssue } from '../../shared/api-types.ts';
import {
  CONSENT_VERSION_MAX,
  checkField,
  checkSource,
  cleanText,
  codePoints,
  FIELD_NAMES,
  type FieldRule,
  type IssueCode,
  LEAD_FIELDS,
  type LeadField,
  LOCALES,
  type Locale,
  MESSAGES,
  message,
  SOURCE_KEYS,
  type SourceKey,
} from '../../shared/lead-spec.ts';
import { consentVersionKeywords, fieldKeywords, sourceKeywords } from './lead-json-schema.ts';

// Surrounding white space is not part of a value; the spec's check runs on what will be stored.
const specField = (field: LeadField) =>
  z
    .string()
    .transform((s) => s.trim())
    .superRefine((value, ctx) => {
      const code = checkField(field, value);
      if (code) ctx.addIssue({ code: 'custom', message: code, params: { code } });
    })
    .meta(fieldKeywords(field));

const shortLine = (max: number) =>
  z.string().superRefine((value, ctx) => {
    const code: IssueCode | undefined = !cleanText(value)
      ? 'invalid_chars'
      : codePoints(value) > max
        ? 'too_long'
        : undefined;
    if (code) ctx.addIssue({ code: 'custom', message: code, params: { code } });
  });

const fieldShape = Object.fromEntries(
  FIELD_NAMES.map((f) => [f, (LEAD_FIELDS[f] as FieldRule).required ? specField(f) : specField(f).optional()]),
) as Record<LeadField, ReturnType<typeof specField>>;

const sourceValue = (key: SourceKey) =>
  z
    .string()
    .superRefine((value, ctx) => {
      const code = checkSource(key, value);
      if (code) ctx.addIssue({ code: 'custom', message: code, params: { code } });
    })
    .meta(sourceKeywords(key));

export const SourceSchema = z.strictObject(Object.fromEntries(SOURCE_KEYS.map((k) => [k, sourceValue(k).optional()])));

// Spam signals travel with the lead but are never stored; bots get no hint beyond the type, so only sizes are bounded.
export const SpamFieldsShape = {
  website: z.string().max(1000).optional(),
  challenge: z.string().max(200).optional(),
  pow: z.string().max(2000).optional(),
};

/** The public lead body, built from the shared spec; unknown keys are refused, not stripped. */
export const LeadInputSchema = z.strictObject({
  ...fieldShape,
  consent: z.boolean().optional(),
  consentVersion: shortLine(CONSENT_VERSION_MAX).meta(consentVersionKeywords).optional(),
  marketing: z.boolean().optional(),
  locale: z.enum(LOCALES).optional(),
  source: SourceSchema.optional(),
  ...SpamFieldsShape,
});

export type ParsedLead = LeadInput & { locale?: Locale };

function issueCode(issue: z.core.$ZodIssue, raw: unknown): IssueCode {
  if (issue.code === 'custom') return (issue.params?.code as IssueCode) ?? 'invalid_value';
  if (issue.code === 'invalid_type') {
    let at: unknown = raw;
    for (const key of issue.path)
      at = at && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined;
    return at === undefined && issue.path.length > 0 ? 'required' : 'invalid_type';
  }
  if (issue.code === 'too_big') return 'too_long';
  return 'invalid_value';
}

/** Validates a parsed JSON body; issues come back in the visitor's locale with the spec's codes. */
export function parseLead(
  raw: unknown,
  locale: Locale,
): { ok: true; lead: ParsedLead } | { ok: false; issues: ValidationIssue[] } {
  const result = LeadInputSchema.safeParse(raw);
  if (result.success) return { ok: true, lead: result.data as ParsedLead };
  const issues: ValidationIssue[] = [];
  for (const issue of result.error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = base ? `${base}.${key}` : key;
        issues.push({ path, code: 'unknown_field', message: message(locale, 'unknown_field') });
      }
      continue;
    }
    const code = issueCode(issue, raw);
    const field = (FIELD_NAMES as string[]).includes(base) ? (base as LeadField) : undefined;
    const text =
      issue.code === 'too_big' && !field
        ? MESSAGES[locale].too_long.replace('{max}', String(issue.maximum))
        : message(locale, code, field);
    issues.push({ path: base, code, message: text });
  }
  return { ok: false, issues };
}
