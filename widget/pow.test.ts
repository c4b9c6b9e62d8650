import { createChallenge, verifySolution } from 'altcha-lib/v1';
import { describe, expect, it } from 'vitest';
import { solvePow } from './pow.ts';

const HMAC = 'a-test-key-that-is-long-enough-0123456789';

describe('solvePow', () => {
  it('finds the number and returns a payload altcha-lib verifies', async () => {
    const c = await createChallenge({ hmacKey: HMAC, maxnumber: 3000, algorithm: 'SHA-256' });
    const payload = await solvePow({
      algorithm: 'SHA-256',
      challenge: c.challenge,
      salt: c.salt,
      maxnumber: 3000,
      signature: c.signature,
    });
    expect(payload).toBeTypeOf('string');
    await expect(verifySolution(payload!, HMAC)).resolves.toBe(true);
    expect(JSON.parse(atob(payload!))).toMatchObject({
      algorithm: 'SHA-256',
      challenge: c.challenge,
      salt: c.salt,
      signature: c.signature,
    });
  });

  it('gives up with undefined when no number up to maxnumber fits', async () => {
    const c = await createChallenge({ hmacKey: HMAC, maxnumber: 3000, algorithm: 'SHA-256', number: 2900 });
    await expect(
      solvePow({ algorithm: 'SHA-256', challenge: c.challenge, salt: c.salt, maxnumber: 2000, signature: c.signature }),
    ).resolves.toBeUndefined();
  });
});
