import type { Locale } from '../../shared/lead-spec.ts';
import { escapeHtml } from '../mail/escape.ts';
import { OPTIN_STRINGS, type PageKind } from './optin-strings.ts';

// Relative URLs, so the page also works behind a proxy that mounts the server under a path.
/** Page and stylesheet both come from this server: the strict CSP below allows nothing else, and no script is needed. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const PAGE_CSS = `body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#f5f6f8}
main{max-width:34rem;margin:10vh auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin:0 0 1rem}
button{font:inherit;padding:.7rem 1.4rem;border:0;border-radius:4px;background:#0b5cad;color:#fff;cursor:pointer}
button:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.small{font-size:.875rem;color:#555}
`;

export interface PageOptions {
  locale: Locale;
  kind: PageKind;
  name?: string;
  /** Only on the 'ask' page: the token the button posts back. */
  token?: string;
  action: string;
}

/** A small page in the lead's language; on 'ask' its one button posts the token back, everything else only informs. */
export function renderOptInPage(o: PageOptions): string {
  const s = OPTIN_STRINGS[o.locale];
  const page = s.pages[o.kind];
  const form =
    o.kind === 'ask' && o.token
      ? `<form method="post" action="${escapeHtml(o.action)}"><input type="hidden" name="t" value="${escapeHtml(o.token)}"><button type="submit">${escapeHtml(s.button)}</button></form>\n<p class="small">${escapeHtml(s.revoke)}</p>`
      : '';
  const greeting = o.name && o.kind === 'ask' ? `<p>${escapeHtml(s.greeting(o.name))}</p>` : '';
  return `<!doctype html>
<html lang="${o.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(page.title)}</title><link rel="stylesheet" href="consent.css"></head>
<body><main><h1>${escapeHtml(page.title)}</h1>${greeting}<p>${escapeHtml(page.text)}</p>
${form}</main></body></html>
`;
}
