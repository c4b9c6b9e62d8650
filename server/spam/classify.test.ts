import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { type Harness, makeHarness } from '../testing/app-harness.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { fetchChallenge, leadState, postLead, solvePow, validLead } from '../testing/lead-client.ts';

const SPAM_ENV = { MIN_FILL_SECONDS: '3', SPAM_POW: 'on', POW_MAX_NUMBER: '2000' };

describeEachDb('spam traps on POST /api/leads', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(dialect, SPAM_ENV);
  });
  afterAll(() => h.close());

  /** A challenge and its solved puzzle, fetched now; the clock then moves by waitMs. */
  async function signals(waitMs = 3000) {
    const answer = await fetchChallenge(h);
    const pow = await solvePow(answer);
    h.advance(waitMs);
    return { challenge: answer.challenge, pow };
  }

  async function post(body: object) {
    const res = await postLead(h, body);
    expect(res.status).toBe(201);
    return leadState(h, ((await res.json()) as { id: string }).id);
  }

  it('hands out an uncached challenge with an ALTCHA puzzle', async () => {
    const res = await h.app.request('/api/leads/challenge');
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const body = await res.json();
    expect(body).toEqual({
      challenge: expect.stringMatching(/^v1\./),
      wait: 3000,
      pow: {
        algorithm: 'SHA-256',
        challenge: expect.stringMatching(/^[0-9a-f]{64}$/),
        salt: expect.any(String),
        maxnumber: 2000,
        signature: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
  });

  it('stores a lead sent 3 s after its challenge with a solved puzzle as new, with a mail job', async () => {
    expect(await post({ ...validLead, ...(await signals()) })).toEqual({ status: 'new', jobs: 1 });
  });

  it('answers a filled honeypot like a person but keeps the lead as spam without mail', async () => {
    expect(await post({ ...validLead, ...(await signals()), website: 'https://cheap-pills.example' })).toEqual({
      status: 'spam',
      jobs: 0,
    });
  });

  it('keeps a lead sent sooner than MIN_FILL_SECONDS as spam', async () => {
    expect(await post({ ...validLead, ...(await signals(2000)) })).toEqual({ status: 'spam', jobs: 0 });
  });

  it('keeps a lead without a challenge as spam', async () => {
    const { pow } = await signals();
    expect(await post({ ...validLead, pow })).toEqual({ status: 'spam', jobs: 0 });
  });

  it('keeps a lead with a tampered challenge as spam', async () => {
    const s = await signals();
    const [v, ts, nonce, sig] = s.challenge.split('.');
    const earlier = `${v}.${Number(ts) - 60_000}.${nonce}.${sig}`;
    expect(await post({ ...validLead, ...s, challenge: earlier })).toEqual({ status: 'spam', jobs: 0 });
    expect(await post({ ...validLead, ...s, challenge: 'v1.123.abc.def' })).toEqual({ status: 'spam', jobs: 0 });
  });

  it('keeps a lead with a challenge older than a day as spam', async () => {
    expect(await post({ ...validLead, ...(await signals(25 * 3600_000)) })).toEqual({ status: 'spam', jobs: 0 });
  });

  it('keeps a lead without a puzzle or with a wrong answer as spam', async () => {
    const s = await signals();
    expect(await post({ ...validLead, challenge: s.challenge })).toEqual({ status: 'spam', jobs: 0 });
    const answer = await fetchChallenge(h);
    h.advance(3000);
    const number = (JSON.parse(Buffer.from(await solvePow(answer), 'base64').toString()) as { number: number }).number;
    const wrong = await solvePow(answer, number === 0 ? 1 : number - 1);
    expect(await post({ ...validLead, challenge: answer.challenge, pow: wrong })).toEqual({ status: 'spam', jobs: 0 });
  });

  it('keeps a replayed puzzle solution as spam, even from another instance on the same database', async () => {
    const s = await signals();
    expect(await post({ ...validLead, ...s })).toEqual({ status: 'new', jobs: 1 });
    const fresh = await signals();
    expect(await post({ ...validLead, message: 'Noch eine Anfrage.', challenge: fresh.challenge, pow: s.pow })).toEqual(
      { status: 'spam', jobs: 0 },
    );
    // A second instance: its own app and config, the same database and data folder.
    const twin = createApp({
      ...h.deps,
      config: loadConfig({ ...SPAM_ENV, DATA_DIR: h.config.DATA_DIR, ALLOWED_ORIGINS: 'https://www.kunde.de' }),
    });
    const res = await postLead(
      { app: twin },
      { ...validLead, message: 'Dritte Anfrage.', challenge: fresh.challenge, pow: s.pow },
    );
    expect(res.status).toBe(201);
    expect(await leadState(h, ((await res.json()) as { id: string }).id)).toEqual({ status: 'spam', jobs: 0 });
  });

  it('answers a retry with the same Idempotency-Key and a fresh challenge with the first lead', async () => {
    const headers = { 'Idempotency-Key': `retry-${dialect}-0001` };
    const first = await postLead(h, { ...validLead, ...(await signals()) }, headers);
    const second = await postLead(h, { ...validLead, ...(await signals()) }, headers);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(await second.json()).toEqual(await first.json());
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
  });

  it('accepts a challenge issued by another instance that shares the secret', async () => {
    const twin = createApp({
      ...h.deps,
      config: loadConfig({ ...SPAM_ENV, DATA_DIR: h.config.DATA_DIR, ALLOWED_ORIGINS: 'https://www.kunde.de' }),
    });
    const answer = await fetchChallenge({ app: twin });
    const pow = await solvePow(answer);
    h.advance(3000);
    expect(await post({ ...validLead, challenge: answer.challenge, pow })).toEqual({ status: 'new', jobs: 1 });
  });

  if (dialect === 'sqlite') {
    it('keeps a generated secret in DATA_DIR/challenge-secret readable by the owner only', () => {
      expect(statSync(join(h.config.DATA_DIR, 'challenge-secret')).mode & 0o777).toBe(0o600);
    });
  }
});

describe('spam traps turned off', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness('sqlite', { MIN_FILL_SECONDS: '0', SPAM_POW: 'off' });
  });
  afterAll(() => h.close());

  it('stores a lead without challenge or puzzle as new when MIN_FILL_SECONDS=0', async () => {
    const res = await postLead(h, validLead);
    expect(res.status).toBe(201);
    expect(await leadState(h, ((await res.json()) as { id: string }).id)).toEqual({ status: 'new', jobs: 1 });
  });

  it('still catches the honeypot', async () => {
    const res = await postLead(h, { ...validLead, website: 'x' });
    expect(await leadState(h, ((await res.json()) as { id: string }).id)).toEqual({ status: 'spam', jobs: 0 });
  });

  it('hands out a challenge without a puzzle and with nothing to wait', async () => {
    expect(await fetchChallenge(h)).toEqual({ challenge: expect.any(String), wait: 0 });
  });
});

describe('CHALLENGE_SECRET', () => {
  it('refuses a secret shorter than 32 characters, naming the variable and the fix', () => {
    expect(() => loadConfig({ CHALLENGE_SECRET: 'short' })).toThrow(
      /CHALLENGE_SECRET: use at least 32 random characters/,
    );
  });
});
