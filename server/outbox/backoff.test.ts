import { expect, it } from 'vitest';
import { retryDelay } from './backoff.ts';

const opts = { baseMs: 1000, capMs: 10_000 };

it('doubles the wait per try and never passes the cap', () => {
  const mid = (n: number) => retryDelay(n, { ...opts, random: () => 1 });
  expect([1, 2, 3, 4, 5, 12].map(mid)).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
});

it('keeps half the wait fixed and spreads the other half at random', () => {
  expect(retryDelay(3, { ...opts, random: () => 0 })).toBe(2000);
  expect(retryDelay(3, { ...opts, random: () => 0.999999 })).toBe(4000);
});
