import { describe, expect, it } from 'vitest';
import { cycles, folderOf, importEdges, isTestSupport } from './import-graph.ts';

const edges = importEdges(['server', 'shared', 'widget']);
const product = edges.filter((e) => !isTestSupport(e.from));

describe('import graph', () => {
  it('sees the imports it checks (a scan that found nothing would pass every check)', () => {
    expect(edges.some((e) => e.from === 'server/main.ts' && e.to === 'server/app.ts')).toBe(true);
    expect(edges.some((e) => e.from === 'server/admin/auth.test.ts' && e.to.startsWith('server/testing/'))).toBe(true);
    expect(
      cycles([
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
      ]),
    ).toEqual([['a', 'b', 'c']]);
  });

  it('has no product module importing test support', () => {
    expect(product.filter((e) => isTestSupport(e.to))).toEqual([]);
  });

  it('has no import cycle among product modules but type-only ones inside one folder', () => {
    expect(cycles(product.filter((e) => !e.typeOnly).map((e) => [e.from, e.to]))).toEqual([]);
    const acrossFolders = cycles(product.map((e) => [e.from, e.to])).filter(
      (cycle) => new Set(cycle.map(folderOf)).size > 1,
    );
    expect(acrossFolders).toEqual([]);
  });

  // server/ itself holds both the basics every folder uses (errors, clock, config) and the wiring (app, main).
  it('has no cycle between the feature folders of server/', () => {
    const folders = product
      .map((e): [string, string] => [folderOf(e.from), folderOf(e.to)])
      .filter(([from, to]) => from.startsWith('server/') && to.startsWith('server/'));
    expect(cycles(folders)).toEqual([]);
  });
});
