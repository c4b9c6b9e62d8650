import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '../testing/app-harness.ts';
import { postLead, validLead } from '../testing/lead-client.ts';
import { countLeads, expectInvariants } from '../testing/lead-invariants.ts';

// `npm test` tries 1,000 bodies, `npm run fuzz` 10,000; a failure prints the seed to replay with FUZZ_SEED.
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

const hostileChar = fc.constantFrom(
  '\u0000',
  '\u001b',
  '\r\n',
  '\u0085',
  '\u2028',
  '\u202e',
  '\u2066',
  '\ud800',
  '\udfff',
  '\ufeff',
  '"',
  '\\',
  '<',
  '%0d%0a',
);
const weirdString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 40 }),
  fc.array(fc.oneof(hostileChar, fc.string({ maxLength: 5 })), { maxLength: 12 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme-ascii', minLength: 100, maxLength: 6000 }),
);
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 0, -0),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);
const anyValue = fc.oneof(weirdString, wrongType);
const emailish = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom('a@b.de\r\nBcc: x@evil.example', 'a@b.de,c@d.de', '"x"@y.de'),
  weirdString,
);
const phoneish = fc.oneof(fc.stringMatching(/^\+?[0-9 ()/-]{3,30}$/), weirdString);

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const text = (max: number) => fc.string({ unit: 'grapheme', minLength: 1, maxLength: max });
// A plausible lead with random values that mostly pass the spec (emoji, RTL, CJK and friends included).
const plausible = fc.record(
  {
    name: text(40),
    email: fc.oneof(fc.constant(validLead.email), fc.emailAddress()),
    company: text(40),
    phone: fc.stringMatching(/^\+?[0-9][0-9 ()/-]{2,20}$/),
    topic: text(40),
    message: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 400 }),
    consent: fc.boolean(),
    consentVersion: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }),
    marketing: fc.boolean(),
    locale: fc.constantFrom('de', 'en'),
    source: fc.record({ url: fc.webUrl(), utm_source: text(30) }, { requiredKeys: [] }),
    website: fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: text(20) }),
  },
  { requiredKeys: ['name', 'email', 'message'] },
);
const KEYS = [
  ...Object.keys(validLead),
  'company',
  'phone',
  'topic',
  'consent',
  'consentVersion',
  'marketing',
  'source',
  'website',
  'challenge',
  'pow',
  'isAdmin',
  '__proto__',
];
const mutation = fc.tuple(fc.constantFrom(...KEYS), fc.oneof(anyValue, emailish, phoneish, fc.constant(undefined)));
// Then zero to three fields replaced by junk of any kind.
const validish = fc.tuple(plausible, fc.array(mutation, { maxLength: 3 })).map(([lead, changes]) => {
  const out: Record<string, unknown> = { ...lead };
  for (const [key, value] of changes)
    Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
  return out;
});

const body = fc.oneof(
  { weight: 6, arbitrary: validish.map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((d) => '['.repeat(d) + ']'.repeat(d)) },
  {
    weight: 1,
    arbitrary: validish.map((v) =>
      JSON.stringify({ ...v, __proto__: { polluted: true }, constructor: { prototype: 1 } }),
    ),
  },
);
const headers = fc.record({
  'Content-Type': fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
    { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/jsonx', 'multipart/form-data; boundary=x') },
  ),
  'Idempotency-Key': fc.oneof(
    { weight: 8, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom('fuzz-key-0001', 'fuzz-key-0002') },
    { weight: 1, arbitrary: fc.stringMatching(/^[\x20-\x7e]{0,12}$/) },
  ),
  'Accept-Language': maybe(fc.constantFrom('en-GB', 'de', '*')),
});

describe('POST /api/leads under generated bodies', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness('sqlite');
  });
  afterAll(() => h.close());

  it(`never answers 5xx and stores exactly what it acknowledges (${RUNS} bodies)`, async () => {
    let n = 0;
    const seen: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(body, headers, async (raw, hs) => {
        const before = await countLeads(h);
        const clean = Object.fromEntries(Object.entries(hs).filter(([, v]) => v !== undefined)) as Record<
          string,
          string
        >;
        const res = await postLead(h, raw, clean);
        seen[res.status] = (seen[res.status] ?? 0) + 1;
        await expectInvariants(h, res, before, `#${n++} ${raw.slice(0, 200)}`);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    const spam = await h.testDb.db.kysely.selectFrom('leads').select('id').where('status', '=', 'spam').execute();
    console.log(`fuzz: ${n} bodies, answers ${JSON.stringify(seen)}, ${spam.length} stored as spam`);
    // The generators must reach the store, or the invariants above prove nothing about it.
    expect(seen[201] ?? 0).toBeGreaterThan(RUNS / 50);
    expect(spam.length).toBeGreaterThan(0);
  }, 600_000);
});
