import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The same lookup serves the source tree and the build in dist/node, so paths never depend on where a file ran from.
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
export const WIDGET_FILE = join(PROJECT_ROOT, 'dist', 'widget.js');
export const DEMO_DIR = join(PROJECT_ROOT, 'server', 'demo');
