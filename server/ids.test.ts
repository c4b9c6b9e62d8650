import { describe, expect, it } from 'vitest';
import { uuidv7 } from './ids.ts';

describe('uuidv7', () => {
  it('gives distinct version-7 ids across many refills of its random pool, ordered by their time', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => uuidv7(1_700_000_000_000 + i));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    // The random part differs between ids made in the same millisecond.
    const same = Array.from({ length: 300 }, () => uuidv7(1_700_000_000_000).slice(14));
    expect(new Set(same).size).toBe(same.length);
  });
});
