import type { ValidationIssue } from '../shared/api-types.ts';
import type { Locale } from '../shared/lead-spec.ts';

/** A 422 lists at most this many issues: a body with thousands of unknown keys must not earn an answer ten times its size. */
export const MAX_ISSUES = 20;

const LEFT_OUT: Record<Locale, (n: number) => string> = {
  de: (n) => `${n} weitere Hinweise ausgelassen; bitte zuerst die genannten beheben.`,
  en: (n) => `${n} more issues left out; fix the ones listed first.`,
};

/** The first MAX_ISSUES issues, then one `too_many_issues` entry that says how many were left out. */
export function capIssues(issues: ValidationIssue[], locale: Locale = 'en'): ValidationIssue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  const omitted = issues.length - MAX_ISSUES;
  return [...issues.slice(0, MAX_ISSUES), { path: '', code: 'too_many_issues', message: LEFT_OUT[locale](omitted) }];
}
