import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const ROOT = resolve(import.meta.dirname, '../..');
export const WIDGET_FILE = join(ROOT, 'dist', 'widget.js');

/** Runs the real `vite build` (same config as `npm run build`) into outDir and returns the built file. */
export async function buildWidget(outDir: string): Promise<string> {
  await build({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
  });
  return join(outDir, 'widget.js');
}

function newestSource(): number {
  const dir = join(ROOT, 'widget');
  const files = readdirSync(dir)
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts'))
    .map((f) => join(dir, f));
  return Math.max(
    ...[
      ...files,
      join(ROOT, 'shared/lead-spec.ts'),
      join(ROOT, 'vite.config.ts'),
      join(dir, 'build/trim-preact.ts'),
    ].map((f) => statSync(f).mtimeMs),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Builds dist/widget.js when a source is newer; test files in parallel forks take a directory lock, and the file is swapped in atomically. */
export async function ensureBuilt(): Promise<string> {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const lock = join(ROOT, 'dist', '.build-lock');
  for (let tries = 0; ; tries++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than a minute belongs to a crashed run.
      if (tries > 600 || Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 60_000)
        rmSync(lock, { recursive: true, force: true });
      await sleep(100);
    }
  }
  try {
    if (!existsSync(WIDGET_FILE) || statSync(WIDGET_FILE).mtimeMs < newestSource()) {
      const tmp = mkdtempSync(join(ROOT, 'dist', '.build-'));
      try {
        renameSync(await buildWidget(tmp), WIDGET_FILE);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return WIDGET_FILE;
}
