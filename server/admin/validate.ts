import type { z } from 'zod';
import type { ValidationIssue } from '../../shared/api-types.ts';
import type { IssueCode } from '../../shared/lead-spec.ts';
import { validationFailed } from '../errors.ts';

function code(issue: z.core.$ZodIssue): IssueCode {
  if (issue.code === 'too_big') return 'too_long';
  if (issue.code === 'invalid_type') return 'invalid_type';
  return 'invalid_value';
}

/** zod issues in the public API's {path, code, message} shape; unknown keys are refused one by one. */
export function toIssues(error: z.ZodError): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ path: base ? `${base}.${key}` : key, code: 'unknown_field', message: `Unknown field "${key}".` });
    } else out.push({ path: base, code: code(issue), message: issue.message });
  }
  return out;
}

export function parseOrFail<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const result = schema.safeParse(raw);
  if (!result.success) throw validationFailed(toIssues(result.error));
  return result.data;
}

/** Query parameters as single values; a repeated parameter is refused rather than silently picking one. */
export function parseQuery<S extends z.ZodType>(schema: S, queries: Record<string, string[]>): z.infer<S> {
  const single: Record<string, string> = {};
  const repeated: ValidationIssue[] = [];
  for (const [k, values] of Object.entries(queries)) {
    if (values.length > 1) repeated.push({ path: k, code: 'invalid_value', message: `Give "${k}" once.` });
    single[k] = values[0];
  }
  if (repeated.length) throw validationFailed(repeated);
  return parseOrFail(schema, single);
}
