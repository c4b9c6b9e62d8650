import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { PREACT_CUTS, trimPreact } from './trim-preact.ts';

const ID = createRequire(import.meta.url).resolve('preact');
const PREACT = readFileSync(ID, 'utf8');
const transform = (code: string, id = ID) =>
  (trimPreact().transform as (code: string, id: string) => { code: string } | null)(code, id);

describe('trimPreact', () => {
  it('cuts every listed path from the installed Preact, the HTML sink included', () => {
    const out = transform(PREACT)!.code;
    expect(PREACT).toContain('innerHTML');
    expect(out).not.toContain('innerHTML');
    for (const [, from] of PREACT_CUTS) expect(out).not.toContain(from);
    expect(out.length).toBeLessThan(PREACT.length - 2500);
  });

  it('stops the build and names the cut when Preact’s code no longer matches', () => {
    const changed = PREACT.replace('j&&j.sub(d),', 'j&&j.subscribe(d),');
    expect(() => transform(changed)).toThrow(
      'Preact changed; update PREACT_CUTS in widget/build/trim-preact.ts: context subscription',
    );
  });

  it('leaves every other module alone', () => {
    expect(transform(PREACT, '/x/node_modules/preact/hooks/dist/hooks.mjs')).toBeNull();
  });
});
