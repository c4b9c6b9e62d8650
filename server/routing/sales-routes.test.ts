import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { parseSalesRoutes, recipientsFor, storedRecipients } from './sales-routes.ts';

const EXAMPLE = 'KI-Strategie=strategie@firma.de;Schulungen=akademie@firma.de, leitung@firma.de';

function startError(value: string): string {
  try {
    loadConfig({ SALES_ROUTES: value });
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('the start did not stop');
}

describe('SALES_ROUTES', () => {
  it('routes a topic to its addresses, ignoring case and surrounding space, and the rest to SALES_INBOX', () => {
    const config = loadConfig({ SALES_ROUTES: EXAMPLE, SALES_INBOX: 'vertrieb@firma.de' });
    expect(recipientsFor('  schulungen ', config.salesRoutes, config.salesInbox)).toEqual([
      'akademie@firma.de',
      'leitung@firma.de',
    ]);
    expect(recipientsFor('KI-STRATEGIE', config.salesRoutes, config.salesInbox)).toEqual(['strategie@firma.de']);
    expect(recipientsFor('Dokumenten-KI', config.salesRoutes, config.salesInbox)).toEqual(['vertrieb@firma.de']);
    expect(recipientsFor(undefined, config.salesRoutes, config.salesInbox)).toEqual(['vertrieb@firma.de']);
  });

  it('is empty by default, so every lead goes to SALES_INBOX as before', () => {
    const config = loadConfig({});
    expect(config.salesRoutes.size).toBe(0);
    expect(recipientsFor('KI-Strategie', config.salesRoutes, config.salesInbox)).toEqual(['sales@localhost']);
  });

  it.each([
    [
      'a bad address',
      'KI-Strategie=strategie(at)firma.de',
      '"strategie(at)firma.de" (topic "KI-Strategie") is not a plain email address',
    ],
    ['an empty topic', '=strategie@firma.de', 'has an empty topic'],
    ['a topic listed twice', 'Schulungen=a@firma.de;schulungen =b@firma.de', 'the topic "schulungen" is listed twice'],
    ['a route without addresses', 'Schulungen=', 'the topic "Schulungen" has no address'],
    ['a route without "="', 'Schulungen a@firma.de', 'has no "="'],
  ])('stops the start on %s, naming SALES_ROUTES and the fix', (_what, value, why) => {
    const message = startError(value);
    expect(message).toContain('SALES_ROUTES:');
    expect(message).toContain(why);
    expect(message).toContain('write it as SALES_ROUTES="KI-Strategie=strategie@firma.de;');
  });

  it('ignores empty segments such as a trailing semicolon', () => {
    const parsed = parseSalesRoutes('Schulungen=a@firma.de;;');
    expect(parsed.ok && [...parsed.routes]).toEqual([['schulungen', ['a@firma.de']]]);
  });

  it('reads stored recipients back, and falls back to the inbox for leads stored before routing', () => {
    expect(storedRecipients('["a@firma.de","b@firma.de"]', ['x@firma.de'])).toEqual(['a@firma.de', 'b@firma.de']);
    expect(storedRecipients(null, ['x@firma.de'])).toEqual(['x@firma.de']);
    expect(storedRecipients('not json', ['x@firma.de'])).toEqual(['x@firma.de']);
  });
});
