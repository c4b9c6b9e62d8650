import { afterAll, beforeAll } from 'vitest';
import type { AppDeps } from '../../server/deps.ts';
import { type Browser, launchBrowser } from './browser.ts';
import { type Stack, startStack } from './stack.ts';

export interface LiveStack {
  stack: Stack;
  browser: Browser;
}

/** One real stack and one Chromium for the describe block it is called in: started before its tests, closed after. */
export function liveStack(env: Record<string, string> = {}, overrides: Partial<AppDeps> = {}): LiveStack {
  const live = {} as LiveStack;
  beforeAll(async () => {
    live.stack = await startStack(env, overrides);
    live.browser = await launchBrowser();
  });
  afterAll(async () => {
    await live.browser?.close();
    await live.stack?.close();
  });
  return live;
}
