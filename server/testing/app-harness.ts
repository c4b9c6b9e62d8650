import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../app.ts';
import type { Clock } from '../clock.ts';
import { type Config, loadConfig } from '../config.ts';
import type { AppDeps } from '../deps.ts';
import { silentLogger } from '../logger.ts';
import { type DialectName, freshDb, type TestDb } from './databases.ts';

export interface Harness {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  testDb: TestDb;
  config: Config;
  /** Moves the injected clock. */
  advance(ms: number): void;
  close(): Promise<void>;
}

/** A real app on a fresh, migrated database, with a movable clock and a silent logger. */
export async function makeHarness(
  dialect: DialectName = 'sqlite',
  env: Record<string, string> = {},
  overrides: Partial<AppDeps> = {},
): Promise<Harness> {
  const testDb = await freshDb(dialect);
  let now = Date.parse('2026-11-28T10:00:00.000Z');
  const clock: Clock = () => new Date(now);
  // Spam traps and rate limits are off unless a suite turns them on, so suites about other things post plainly.
  const config = loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'bl-data-')),
    ALLOWED_ORIGINS: 'https://www.kunde.de',
    MIN_FILL_SECONDS: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_PER_DAY: '0',
    ADMIN_AUTH_FAILURES_PER_HOUR: '0',
    ...env,
  });
  const deps: AppDeps = {
    config,
    db: testDb.db,
    clock,
    logger: silentLogger,
    widgetFile: join(process.cwd(), 'dist', 'widget.js'),
    ...overrides,
  };
  return {
    app: createApp(deps),
    deps,
    testDb,
    config,
    advance: (ms) => {
      now += ms;
    },
    close: () => testDb.drop(),
  };
}
