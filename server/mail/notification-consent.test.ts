import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import type { LeadsTable } from '../db/schema.ts';
import type { MarketingState } from '../store/marketing-consent.ts';
import { buildNotification } from './notification.ts';

const config = loadConfig({ SALES_INBOX: 'vertrieb@firma.example' });
const base: LeadsTable = {
  id: '01a22198-ed00-7000-8000-000000000001',
  created_at: '2026-11-28T10:00:00.000Z',
  updated_at: '2026-11-28T10:00:00.000Z',
  status: 'new',
  name: 'Anna Beispiel',
  email: 'anna@example.de',
  company: null,
  phone: null,
  topic: null,
  message: 'Hallo',
  locale: 'de',
  consent: 0,
  consent_version: null,
  marketing: 0,
  source: null,
  note: null,
  assignee: null,
  recipients: '["vertrieb@firma.example"]',
  consent_asked: 0,
  marketing_asked: 0,
};
const text = (lead: Partial<LeadsTable>, marketing?: MarketingState) =>
  String(buildNotification({ ...base, ...lead }, config, marketing).text);

describe('what the sales notification says about consent', () => {
  it('says "not asked" where the site shows no consent box, instead of a worrying "no"', () => {
    const t = text({});
    expect(t).toContain(
      'Datenschutzhinweis: nicht abgefragt (Anfrage nach Art. 6 Abs. 1 lit. b DSGVO, kein Häkchen nötig)',
    );
    expect(t).not.toContain('Version des Hinweises');
    expect(t).toContain('Werbe-Einwilligung: nicht abgefragt');
    expect(t).not.toMatch(/: nein$/m);
  });

  it('says "asked and given" with the notice version where the site asks', () => {
    const t = text({ consent_asked: 1, consent: 1, consent_version: '2026-11' });
    expect(t).toContain('Datenschutzhinweis: abgefragt und bestätigt');
    expect(t).toContain('Version des Hinweises: 2026-11');
  });

  it.each([
    ['declined', { marketing_asked: 1 }, undefined, 'Werbe-Einwilligung: abgefragt, nicht erteilt'],
    [
      'pending',
      { marketing_asked: 1 },
      'pending' as const,
      'Werbe-Einwilligung: angekreuzt, Bestätigung per E-Mail ausstehend (Double-Opt-in); bis dahin keine Werbung',
    ],
    [
      'confirmed',
      { marketing_asked: 1, marketing: 1 },
      'confirmed' as const,
      'Werbe-Einwilligung: per E-Mail bestätigt (Double-Opt-in)',
    ],
    [
      'ticked before double opt-in',
      { marketing_asked: null, marketing: 1 },
      undefined,
      'Werbe-Einwilligung: angekreuzt vor Einführung des Double-Opt-in, nie bestätigt; keine Werbung',
    ],
  ])('names the marketing state %s', (_what, lead, state, line) => {
    expect(text(lead, state)).toContain(line);
  });

  it('says the same in English for an English lead', () => {
    const t = text({ locale: 'en', consent_asked: 1, consent: 1, marketing_asked: 1 }, 'pending');
    expect(t).toContain('Privacy notice: asked and given');
    expect(t).toContain(
      'Marketing opt-in: ticked, email confirmation pending (double opt-in); no marketing until then',
    );
  });

  it('reads a lead from before the change (consent asked unknown) from its stored consent', () => {
    expect(text({ consent_asked: null, consent: 1 })).toContain('Datenschutzhinweis: abgefragt und bestätigt');
    expect(text({ consent_asked: null, consent: 0 })).toContain('Datenschutzhinweis: nicht abgefragt');
  });
});

describe('when the sales notification says the lead came in', () => {
  it('gives each lead its own minute in Berlin time and its own language, also for leads of one burst', () => {
    const received = (created_at: string, locale = 'de') =>
      /(?:Eingegangen|Received): (.*)/.exec(text({ created_at, locale }))?.[1];
    expect(received('2026-11-28T10:00:59.000Z')).toBe('28.11.2026, 11:00 (Europe/Berlin, 2026-11-28T10:00:59.000Z)');
    expect(received('2026-11-28T10:01:00.000Z')).toBe('28.11.2026, 11:01 (Europe/Berlin, 2026-11-28T10:01:00.000Z)');
    expect(received('2026-11-28T10:01:30.000Z', 'en')).toBe(
      '28 Nov 2026, 11:01 (Europe/Berlin, 2026-11-28T10:01:30.000Z)',
    );
    expect(received('2026-07-01T10:01:30.000Z')).toBe('01.07.2026, 12:01 (Europe/Berlin, 2026-07-01T10:01:30.000Z)');
  });
});
