import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type ImportEdge = { from: string; to: string; typeOnly: boolean };

// `import x from './a'`, `export { x } from './a'`, `import './a'` and `import('./a')`; group 1 marks `import type`.
const SPECIFIER =
  /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?from\s*)?['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** A test file, or a module under a `testing/` folder. */
export const isTestSupport = (file: string) => /\.test\.tsx?$/.test(file) || file.split('/').includes('testing');

/** Every relative import of every .ts file below `dirs`, as repository-relative paths. */
export function importEdges(dirs: string[]): ImportEdge[] {
  return dirs.flatMap(sourceFiles).flatMap((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    return [...text.matchAll(SPECIFIER)].map((m) => ({
      from: file,
      to: relative(ROOT, resolve(ROOT, dirname(file), m[2] ?? m[3])),
      typeOnly: Boolean(m[1]),
    }));
  });
}

/** Cycles among runtime imports, each as the list of files around it. */
export function runtimeCycles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) if (!e.typeOnly) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const cycles: string[][] = [];
  const done = new Set<string>();
  const visit = (file: string, path: string[]) => {
    const at = path.indexOf(file);
    if (at >= 0) return void cycles.push(path.slice(at));
    if (done.has(file)) return;
    for (const to of next.get(file) ?? []) visit(to, [...path, file]);
    done.add(file);
  };
  for (const file of next.keys()) visit(file, []);
  return cycles;
}
