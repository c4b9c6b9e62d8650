import { checkSource, SOURCE_KEYS, SOURCE_MAX, type SourceKey } from '../shared/lead-spec.ts';

// Captured at load: an SPA may drop the utm_* parameters from the address before the visitor writes.
const landing = location.search;

/** Page URL, referrer and utm_* values; anything the server would refuse is dropped, never the lead. */
export function attribution(): Partial<Record<SourceKey, string>> {
  const now = new URLSearchParams(location.search);
  const first = new URLSearchParams(landing);
  const out: Partial<Record<SourceKey, string>> = {};
  for (const key of SOURCE_KEYS) {
    let value = key == 'url' ? location.href : key == 'referrer' ? document.referrer : now.get(key) || first.get(key);
    value = [...(value || '')].slice(0, SOURCE_MAX).join('');
    if (value && !checkSource(key, value)) out[key] = value;
  }
  return out;
}
