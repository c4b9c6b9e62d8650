import { describe, expect, it } from 'vitest';
import { oneLine } from './escape.ts';

describe('oneLine', () => {
  it('counts characters, not UTF-16 units: 200 emoji stay whole, 201 are cut to 199 and an ellipsis', () => {
    expect(oneLine('😀'.repeat(200))).toBe('😀'.repeat(200));
    expect(oneLine('😀'.repeat(201))).toBe(`${'😀'.repeat(199)}…`);
  });

  it('keeps a short value as it is and folds line breaks and runs of space into one space', () => {
    expect(oneLine('KI-Strategie')).toBe('KI-Strategie');
    expect(oneLine(' Müller\r\n  & Söhne\u2028GmbH ')).toBe('Müller & Söhne GmbH');
    expect(oneLine('a'.repeat(12), 10)).toBe(`${'a'.repeat(9)}…`);
  });
});
