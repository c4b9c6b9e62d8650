import { afterEach, describe, expect, it, vi } from 'vitest';
import { newKey } from './transport.ts';

describe('newKey', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('uses crypto.randomUUID where the page is a secure context', () => {
    expect(newKey()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('falls back to 128 random bits from getRandomValues when randomUUID is missing (plain http pages)', () => {
    const real = globalThis.crypto;
    const getRandomValues = vi.fn(<T extends ArrayBufferView>(a: T) => real.getRandomValues(a as never) as T);
    vi.stubGlobal('crypto', { getRandomValues });
    const keys = new Set(Array.from({ length: 50 }, () => newKey()));
    expect(keys.size).toBe(50);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(getRandomValues).toHaveBeenCalledTimes(50);
    // The server takes 8 to 200 printable ASCII characters; 32 hex digits fit.
    expect([...keys][0]).toHaveLength(32);
  });
});
