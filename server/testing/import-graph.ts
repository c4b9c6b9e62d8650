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

/** Cycles in a graph given as edges, each as the list of nodes around it (at least one per tangle). */
export function cycles(pairs: [string, string][]): string[][] {
  const next = new Map<string, string[]>();
  for (const [from, to] of pairs) if (from !== to) next.set(from, [...(next.get(from) ?? []), to]);
  const found: string[][] = [];
  const done = new Set<string>();
  const visit = (node: string, path: string[]) => {
    const at = path.indexOf(node);
    if (at >= 0) return void found.push(path.slice(at));
    if (done.has(node)) return;
    for (const to of next.get(node) ?? []) visit(to, [...path, node]);
    done.add(node);
  };
  for (const node of next.keys()) visit(node, []);
  return found;
}

export const folderOf = (file: string) => dirname(file);
