// `npm start`: runs the built server with plain node, building first when the build is missing or older than its sources.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUTPUTS = ['dist/widget.js', 'dist/node/server/main.js'];
const INPUT_DIRS = ['server', 'shared', 'widget'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'vite.config.ts'];
// Tests and test support never reach the build, so editing them does not make it stale.
const skipped = (name) => name === 'testing' || name === 'node_modules' || /\.test\.tsx?$/.test(name);

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skipped(entry.name)) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : (mtime(path) ?? 0));
  }
  return newest;
}

/** Why the build must be made again, or undefined when it is fresh. */
export function staleReason(root = ROOT) {
  const built = OUTPUTS.map((f) => mtime(join(root, f)));
  const missing = OUTPUTS.find((_, i) => built[i] === undefined);
  if (missing) return `${missing} is missing`;
  const inputs = [
    ...INPUT_DIRS.map((d) => newestIn(join(root, d))),
    ...INPUT_FILES.map((f) => mtime(join(root, f)) ?? 0),
  ];
  return Math.max(...inputs) > Math.min(...built) ? 'sources changed since the last build' : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reason = staleReason();
  if (reason) {
    console.log(`Building first: ${reason}.`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const build = spawnSync(npm, ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  await import(pathToFileURL(join(ROOT, OUTPUTS[1])).href);
}
