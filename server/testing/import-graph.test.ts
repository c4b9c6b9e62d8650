import { describe, expect, it } from 'vitest';
import { importEdges, isTestSupport } from './import-graph.ts';

const edges = importEdges(['server', 'shared', 'widget']);

describe('import graph', () => {
  it('sees the imports it checks (a scan that found nothing would pass every check)', () => {
    expect(edges.some((e) => e.from === 'server/main.ts' && e.to === 'server/app.ts')).toBe(true);
    expect(edges.some((e) => e.from === 'server/admin/auth.test.ts' && e.to.startsWith('server/testing/'))).toBe(true);
  });

  it('has no product module importing test support', () => {
    const offending = edges.filter((e) => !isTestSupport(e.from) && isTestSupport(e.to));
    expect(offending).toEqual([]);
  });
});
