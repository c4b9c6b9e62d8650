import type { Locale } from '../shared/lead-spec.ts';

export type Position = 'bottom-right' | 'bottom-left' | 'none';
export type Theme = 'light' | 'dark' | 'auto';

/** Everything the embedding page decides, parsed once from the script tag's data-* attributes. */
export interface WidgetConfig {
  api: string;
  lang: Locale;
  position: Position;
  /** '' means the language's default ("Beraten lassen", "Get advice"). */
  label: string;
  topics: string[];
  color: string | undefined;
  theme: Theme;
  consent: boolean;
  consentVersion: string;
  marketing: boolean;
  privacyUrl: string | undefined;
  successUrl: string | undefined;
  dataLayer: boolean;
}

// Only http(s) links: a javascript: URL in a data attribute must never become a link or a redirect.
export function httpUrl(value: string | null | undefined, base: string): string | undefined {
  // No attribute, no URL to parse: the widget starts with as little work as it can.
  if (!value) return undefined;
  try {
    const url = new URL(value, base);
    return /^https?:$/.test(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const pick = <T extends string>(value: string | null | undefined, allowed: readonly T[], fallback: T): T =>
  allowed.includes(value as T) ? (value as T) : fallback;

const on = (value: string | null | undefined) => value != null && !/^(off|false|no|0)$/i.test(value);

/** Reads data-* through `get` (dataset-style names without the prefix), so it runs without a DOM in unit tests. */
export function readConfig(
  get: (name: string) => string | null | undefined,
  scriptSrc: string,
  page: string,
  htmlLang: string,
): WidgetConfig {
  const lang = get('lang') ?? (/^en\b/i.test(htmlLang) ? 'en' : 'de');
  return {
    api: new URL(httpUrl(get('api'), page) ?? httpUrl(scriptSrc, page) ?? page).origin,
    lang: pick(lang, ['de', 'en'], 'de'),
    position: pick(get('position'), ['bottom-right', 'bottom-left', 'none'], 'bottom-right'),
    label: get('label')?.trim() || '',
    topics: (get('topics') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    color: get('color') || undefined,
    theme: pick(get('theme'), ['light', 'dark', 'auto'], 'light'),
    consent: get('consent') === 'required',
    consentVersion: get('consentVersion') || '1',
    marketing: on(get('marketing')),
    privacyUrl: httpUrl(get('privacyUrl'), page),
    successUrl: httpUrl(get('successUrl'), page),
    dataLayer: on(get('datalayer')),
  };
}
