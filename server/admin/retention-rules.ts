import { LEAD_STATUSES, type LeadStatus } from '../../shared/api-types.ts';

/** Days a lead is kept after its last change, per status; `default` covers every status not named. */
export type RetentionRules = Partial<Record<LeadStatus, number>> & { default: number };

// Spam goes fast, lost inquiries after a year, won ones after three (commercial correspondence), the rest after two.
export const DEFAULT_RETENTION = 'spam:30,lost:365,won:1095,default:730';

/** Parses "spam:30,lost:365,default:730"; returns the rules or the reason the text is wrong. */
export function parseRetentionRules(text: string): { ok: true; rules: RetentionRules } | { ok: false; reason: string } {
  const rules: Partial<RetentionRules> = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z]+)\s*:\s*(\d{1,6})$/.exec(part);
    if (!m) return { ok: false, reason: `"${part}" is not status:days; write e.g. ${DEFAULT_RETENTION}` };
    const [, key, days] = m;
    if (key !== 'default' && !(LEAD_STATUSES as readonly string[]).includes(key)) {
      return { ok: false, reason: `"${key}" is not a lead status; use ${LEAD_STATUSES.join(', ')} or default` };
    }
    if (Number(days) < 1) return { ok: false, reason: `"${part}": keep leads at least 1 day` };
    if (key in rules) return { ok: false, reason: `"${key}" is named twice` };
    rules[key as LeadStatus | 'default'] = Number(days);
  }
  if (rules.default === undefined)
    return { ok: false, reason: `add default:<days> for the other statuses, e.g. ${DEFAULT_RETENTION}` };
  return { ok: true, rules: rules as RetentionRules };
}
