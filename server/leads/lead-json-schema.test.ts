import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONSENT_VERSION_MAX,
  checkField,
  checkSource,
  cleanText,
  codePoints,
  FIELD_NAMES,
  LEAD_FIELDS,
  SOURCE_KEYS,
} from '../../shared/lead-spec.ts';
import { consentVersionKeywords, fieldKeywords, sourceKeywords } from './lead-json-schema.ts';

// Formats are left to the server; these tests hold the lengths and patterns to the spec's own checks.
const ajv = new Ajv2020({ strict: true, validateFormats: false });
const accepts = (keywords: object) => {
  const validate = ajv.compile({ type: 'string', ...keywords });
  return (s: string) => validate(s);
};

const tricky = [' ', '\t', '\n', '\r', '\0', '\x7f', '\x85', '\u2028', '\u202e', '\u2066', '\u00a0', 'Ü', '😀'];
const chars = fc.oneof(
  fc.constantFrom(...tricky, 'a', 'Z', '+', '-', '(', ')', '/', '1', '0', '٣', '.', '@', ':', 'h'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
/** Short odd strings, and strings right around a maximum length. */
const values = (max: number) =>
  fc
    .oneof(
      fc.string({ unit: chars, maxLength: 12 }),
      fc
        .tuple(fc.integer({ min: Math.max(0, max - 3), max: max + 1 }), fc.string({ unit: chars, maxLength: 3 }))
        .map(([n, tail]) => 'x'.repeat(n) + tail),
    )
    .filter((s) => s.isWellFormed());

describe('the lead fields in the API document', () => {
  for (const field of FIELD_NAMES.filter((f) => LEAD_FIELDS[f].kind !== 'email')) {
    it(`${field}: the documented length and pattern accept exactly what the spec accepts`, () => {
      const doc = accepts(fieldKeywords(field));
      fc.assert(
        fc.property(values(LEAD_FIELDS[field].max), (s) => {
          const spec = checkField(field, s.trim()) === undefined;
          // The server trims first, so padding may pass the server where the document says no, never the reverse.
          if (s === s.trim()) expect(doc(s), JSON.stringify(s)).toBe(spec);
          else if (doc(s)) expect(spec, JSON.stringify(s)).toBe(true);
        }),
        { numRuns: 400 },
      );
    });
  }

  it('email: every address the spec takes matches the documented pattern, and the pattern refuses what the spec refuses in the local part', () => {
    const doc = accepts(fieldKeywords('email'));
    fc.assert(
      fc.property(fc.emailAddress(), (s) => {
        if (checkField('email', s) === undefined) expect(doc(s), s).toBe(true);
      }),
    );
    for (const ok of ['juergen@müller.de', 'a.b+c@example.co.uk', "o'brien@xn--mller-kva.de"])
      expect([checkField('email', ok), doc(ok)], ok).toEqual([undefined, true]);
    for (const bad of ['"a b"@example.de', 'jürgen@example.de', 'a..b@example.de', `${'a'.repeat(65)}@example.de`, 'a'])
      expect([checkField('email', bad), doc(bad)], bad).toEqual(['invalid_email', false]);
    expect(fieldKeywords('email')).toMatchObject({ maxLength: 254, format: 'idn-email' });
  });

  for (const key of SOURCE_KEYS) {
    it(`source.${key}: the documented length and pattern accept exactly what the spec accepts`, () => {
      const doc = accepts(sourceKeywords(key));
      const urls = fc.oneof(
        values(2048),
        fc.webUrl(),
        values(8).map((s) => `HTTPS://${s}`),
      );
      fc.assert(
        fc.property(urls, (s) => {
          expect(doc(s), JSON.stringify(s)).toBe(checkSource(key, s) === undefined);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('consentVersion: the documented length and pattern accept exactly what the server accepts', () => {
    const doc = accepts(consentVersionKeywords);
    fc.assert(
      fc.property(values(CONSENT_VERSION_MAX), (s) => {
        expect(doc(s), JSON.stringify(s)).toBe(cleanText(s) && codePoints(s) <= CONSENT_VERSION_MAX);
      }),
      { numRuns: 400 },
    );
  });
});
