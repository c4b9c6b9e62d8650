import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWidget } from './testing/build.ts';

const BUDGET_BROTLI = 10_240;
const SOURCES = readdirSync(import.meta.dirname).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts'));

describe('the built widget', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bl-size-'));
  let code = Buffer.alloc(0);
  beforeAll(async () => {
    code = readFileSync(await buildWidget(dir));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`is one file within ${BUDGET_BROTLI} bytes brotli (quality 11), CSS included`, () => {
    expect(readdirSync(dir)).toEqual(['widget.js']);
    const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    console.log(`widget.js: ${code.length} B raw, ${gzipSync(code, { level: 9 }).length} B gzip, ${brotli} B brotli`);
    expect(brotli).toBeLessThanOrEqual(BUDGET_BROTLI);
    expect(code.toString()).toContain('adoptedStyleSheets');
  });

  it('is a classic script, not a module, and bundles no zod', () => {
    const text = code.toString();
    expect(text).not.toMatch(/\bimport\s*[({'"]|\bexport\s/);
    expect(text).not.toMatch(/zod|ZodError/);
  });

  it('needs no eval, no Function constructor, no HTML parsing and no <style> element, so strict CSP and Trusted Types hold', () => {
    const text = code.toString();
    expect(text).not.toMatch(
      /\beval\(|new Function|Function\(|innerHTML|outerHTML|insertAdjacentHTML|document\.write|setTimeout\(["'`]|createElement\(["'`]style/,
    );
    expect(text).toContain('new CSSStyleSheet');
  });

  it('has sources that never ask Preact for raw HTML, a <style> element or a path the build cuts (style props, SVG)', () => {
    expect(SOURCES).toContain('page.tsx');
    for (const file of SOURCES)
      expect(readFileSync(join(import.meta.dirname, file), 'utf8'), file).not.toMatch(
        /dangerouslySetInnerHTML|innerHTML|<style|\bstyle=\{|<svg|createElement\(["'`]style/,
      );
    // widget/build/trim-preact.ts cuts these from Preact: a component using one would silently do nothing.
    for (const file of SOURCES)
      expect(readFileSync(join(import.meta.dirname, file), 'utf8'), file).not.toMatch(
        /setState|forceUpdate|componentDid|componentWill(?!Unmount)|getDerivedState|getSnapshot|getChildContext|createContext|preact\/hooks/,
      );
  });
});
