import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Locale } from '../../shared/lead-spec.ts';
import type { AppDeps } from '../deps.ts';
import { limitBody } from '../middleware/body-size.ts';
import { confirmOptIn, lookupOptIn, type OptInLookup } from './optin-confirm.ts';
import { PAGE_CSP, PAGE_CSS, renderOptInPage } from './optin-page.ts';
import type { PageKind } from './optin-strings.ts';

const STATUS: Record<PageKind, ContentfulStatusCode> = {
  ask: 200,
  confirmed: 200,
  already: 409,
  expired: 410,
  gone: 410,
  invalid: 400,
};

const browserLocale = (c: Context): Locale => (/^\s*en\b/i.test(c.req.header('accept-language') ?? '') ? 'en' : 'de');

function page(c: Context, result: OptInLookup, token?: string) {
  c.header('Content-Security-Policy', PAGE_CSP);
  // The token is a credential: keep the page out of caches and its address out of Referer headers.
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  const html = renderOptInPage({
    locale: result.locale ?? browserLocale(c),
    kind: result.kind,
    name: result.name,
    token,
    action: 'marketing',
  });
  return c.html(html, STATUS[result.kind]);
}

/** The double opt-in link: GET only shows the button (mail scanners open every link); POST confirms. */
export function consentRoutes(deps: AppDeps) {
  const app = new Hono();
  app.get('/consent.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(PAGE_CSS);
  });

  app.get('/marketing', async (c) => {
    const token = c.req.query('t');
    const result = await lookupOptIn(deps, token);
    return page(c, result, result.kind === 'ask' ? token : undefined);
  });

  app.post('/marketing', limitBody(4096), async (c) => {
    let token: unknown;
    try {
      token = (await c.req.parseBody()).t;
    } catch {
      token = undefined;
    }
    const result = await confirmOptIn(deps, token);
    if (result.kind === 'confirmed' && result.leadId) deps.wakeOutbox?.(result.leadId);
    return page(c, result);
  });
  return app;
}
