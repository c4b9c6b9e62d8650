import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A challenge older than this is refused: nobody fills a form for a day, but a harvested token could live forever. */
export const CHALLENGE_MAX_AGE_MS = 24 * 60 * 60 * 1000;
// Instances' clocks may differ a little; a token from slightly in the future is still honest.
const CLOCK_SKEW_MS = 60 * 1000;
const TOKEN = /^v1\.(\d{1,15})\.([A-Za-z0-9_-]{11})\.([A-Za-z0-9_-]{43})$/;

export type ChallengeVerdict = 'ok' | 'missing' | 'tampered' | 'early' | 'expired';

const sign = (key: string, body: string) => createHmac('sha256', key).update(`challenge:${body}`).digest('base64url');

/** An opaque, HMAC-signed issue time: `v1.<ms>.<nonce>.<signature>`. */
export function issueChallenge(key: string, nowMs: number): string {
  const body = `${nowMs}.${randomBytes(8).toString('base64url')}`;
  return `v1.${body}.${sign(key, body)}`;
}

/** Checks signature and age; a token younger than minFillMs means a bot filled the form. */
export function verifyChallenge(
  key: string,
  token: string | undefined,
  nowMs: number,
  minFillMs: number,
): ChallengeVerdict {
  if (!token) return 'missing';
  const m = TOKEN.exec(token);
  if (!m) return 'tampered';
  const expected = Buffer.from(sign(key, `${m[1]}.${m[2]}`));
  const given = Buffer.from(m[3]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'tampered';
  const age = nowMs - Number(m[1]);
  if (age < -CLOCK_SKEW_MS) return 'tampered';
  if (age < minFillMs) return 'early';
  if (age > CHALLENGE_MAX_AGE_MS) return 'expired';
  return 'ok';
}
