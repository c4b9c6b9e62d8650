import { describe, expect, it } from 'vitest';
import { readConfig } from './config.ts';

const SCRIPT = 'https://leads.beratung.example/widget.js';
const PAGE = 'https://www.kunde.de/leistungen?utm_source=x';
const read = (attrs: Record<string, string>, lang = '') => readConfig((n) => attrs[n], SCRIPT, PAGE, lang);

describe('readConfig', () => {
  it('defaults the API to the script’s own origin and the language to German', () => {
    expect(read({ privacyUrl: '/datenschutz' })).toMatchObject({
      api: 'https://leads.beratung.example',
      lang: 'de',
      position: 'bottom-right',
      // Empty: the launcher shows the language's own default label.
      label: '',
      topics: [],
      theme: 'light',
      consent: false,
      marketing: false,
      privacyUrl: 'https://www.kunde.de/datenschutz',
      dataLayer: false,
    });
  });

  it('reads every documented attribute', () => {
    const cfg = read({
      api: 'https://api.kunde.de/irrelevant/path',
      lang: 'en',
      position: 'bottom-left',
      label: 'Get advice',
      topics: ' KI-Strategie , ,Schulung',
      color: '#aa0000',
      theme: 'auto',
      consent: 'required',
      consentVersion: '2026-11',
      marketing: 'on',
      privacyUrl: 'https://www.kunde.de/privacy',
      successUrl: '/danke',
      datalayer: 'on',
    });
    expect(cfg).toEqual({
      api: 'https://api.kunde.de',
      lang: 'en',
      position: 'bottom-left',
      label: 'Get advice',
      topics: ['KI-Strategie', 'Schulung'],
      color: '#aa0000',
      theme: 'auto',
      consent: true,
      consentVersion: '2026-11',
      marketing: true,
      privacyUrl: 'https://www.kunde.de/privacy',
      successUrl: 'https://www.kunde.de/danke',
      dataLayer: true,
    });
  });

  it('takes the language from <html lang> when data-lang is absent', () => {
    expect(read({}, 'en-GB').lang).toBe('en');
    expect(read({}, 'fr').lang).toBe('de');
  });

  it('falls back on unknown values instead of failing', () => {
    expect(read({ lang: 'fr', position: 'top', theme: 'neon', marketing: 'off' })).toMatchObject({
      lang: 'de',
      position: 'bottom-right',
      theme: 'light',
      marketing: false,
    });
  });

  it('refuses javascript: and other non-http URLs for links and redirects', () => {
    const cfg = read({ privacyUrl: 'javascript:alert(1)', successUrl: 'data:text/html,hi' });
    expect(cfg.privacyUrl).toBeUndefined();
    expect(cfg.successUrl).toBeUndefined();
  });
});
