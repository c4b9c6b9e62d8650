import type { PowChallenge } from '../shared/api-types.ts';

const BATCH = 256;

/** Finds n with hex(sha256(salt + n)) === challenge; returns the base64 ALTCHA payload, or undefined when none fits. */
export async function solvePow(p: PowChallenge): Promise<string | undefined> {
  const encoder = new TextEncoder();
  const hash = async (n: number) =>
    Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(p.salt + n))), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('');
  // Hashing in batches lets the browser run digests in parallel instead of one await at a time.
  for (let start = 0; start <= p.maxnumber; start += BATCH) {
    const found = (await Promise.all(Array.from({ length: BATCH }, (_, i) => hash(start + i)))).indexOf(p.challenge);
    if (found >= 0 && start + found <= p.maxnumber) {
      const { algorithm, challenge, salt, signature } = p;
      return btoa(JSON.stringify({ algorithm, challenge, number: start + found, salt, signature }));
    }
  }
  return undefined;
}
