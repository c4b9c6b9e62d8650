import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../errors.ts';
import { decideOutcome, exhausted, outcomeName } from './outcome.ts';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const BACKOFF = { baseMs: 30_000, capMs: 3_600_000, random: () => 0 };
const temporary = { permanent: false, error: `${ERROR_CODES.SMTP_TEMPORARY}: 451 try later` };
const permanent = { permanent: true, error: `${ERROR_CODES.SMTP_PERMANENT}: 550 no such user` };

describe('outcome of one attempt', () => {
  it('is done when the handler did not fail', () => {
    const outcome = decideOutcome(undefined, 1, 10, NOW, BACKOFF);
    expect(outcome).toEqual({ ok: true });
    expect(outcomeName(outcome)).toBe('sent');
  });

  it('retries a temporary failure after the backoff for this attempt', () => {
    const outcome = decideOutcome(temporary, 3, 10, NOW, BACKOFF);
    // Attempt 3: 30 s doubled twice is 120 s, half of it fixed with the jitter pinned to 0.
    expect(outcome).toEqual({ ok: false, error: temporary.error, retryAt: new Date(NOW.getTime() + 60_000) });
    expect(outcomeName(outcome)).toBe('retried');
  });

  it('is dead at once on a permanent failure, whatever attempts are left', () => {
    const outcome = decideOutcome(permanent, 1, 10, NOW, BACKOFF);
    expect(outcome).toEqual({ ok: false, dead: true, error: permanent.error });
    expect(outcomeName(outcome)).toBe('dead');
  });

  it('is dead when a temporary failure was the last allowed attempt, naming the tries and the last error', () => {
    const outcome = decideOutcome(temporary, 10, 10, NOW, BACKOFF);
    expect(outcome).toMatchObject({ ok: false, dead: true });
    expect('error' in outcome && outcome.error).toBe(
      `${ERROR_CODES.TOO_MANY_TRIES}: gave up after 10 tries; last: ${temporary.error}`,
    );
  });

  it('declares a job claimed past its last try dead before it runs', () => {
    expect(exhausted({ attempts: 10, last_error: null }, 10)).toBeUndefined();
    expect(exhausted({ attempts: 11, last_error: null }, 10)).toEqual({
      ok: false,
      dead: true,
      error: `${ERROR_CODES.TOO_MANY_TRIES}: gave up after 10 tries; last: lease expired while sending`,
    });
  });
});
