import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { chromium, type Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { CHROMIUM, chromiumMissing, launchBrowser } from '../../widget/testing/browser.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { type OptInFixture, optInFixture } from '../testing/optin-fixture.ts';

const missing = chromiumMissing();
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page; evaluated through the DevTools protocol, which the page's CSP does not govern. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string }[] }> } }).axe;
    return (await axe.run()).violations.map((v) => v.id);
  });
}

async function listen(o: OptInFixture): Promise<{ origin: string; close(): Promise<void> }> {
  const server = serve({ fetch: o.f.h.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Opens the mailed link, checks that opening alone confirmed nothing, presses the one button. */
async function roundTrip(o: OptInFixture, page: Page, origin: string, warnings: string[], axe = false) {
  const { id, mail } = await o.postAndMail();
  const { url } = o.linkOf(mail!);
  const opened = await page.goto(`${origin}${url.pathname}${url.search}`);
  expect(opened?.status()).toBe(200);
  await expect(page.locator('h1').textContent()).resolves.toBe('Einwilligung bestätigen');
  expect((await o.detail(id)).marketingConsent.state).toBe('pending');
  if (axe) expect(await axeViolations(page)).toEqual([]);
  const button = page.getByRole('button', { name: 'Einwilligung bestätigen' });
  // The stylesheet loaded under the page's own strict CSP.
  expect(await button.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(11, 92, 173)');
  const [confirmed] = await Promise.all([page.waitForNavigation(), button.click()]);
  expect(confirmed?.status()).toBe(200);
  await expect(page.locator('h1').textContent()).resolves.toBe('Vielen Dank, Ihre Einwilligung ist bestätigt');
  expect(await page.locator('button').count()).toBe(0);
  if (axe) expect(await axeViolations(page)).toEqual([]);
  const detail = await o.detail(id);
  expect(detail.lead.marketing).toBe(true);
  expect(detail.marketingConsent).toMatchObject({ state: 'confirmed', confirmedAt: expect.any(String) });
  // Back to the link: the page is not cached (no-store), so it now says the link was used, and offers no button.
  await page.goBack();
  await expect(page.locator('h1').textContent()).resolves.toBe('Dieser Link wurde bereits verwendet');
  expect(await page.locator('button').count()).toBe(0);
  expect((await o.detail(id)).marketingConsent).toEqual(detail.marketingConsent);
  expect(warnings.filter((w) => /Content Security Policy|Refused/i.test(w))).toEqual([]);
}

describe.skipIf(missing)('double opt-in in a real browser', () => {
  describeEachDb('Chromium round trip', (dialect) => {
    let o: OptInFixture;
    let server: { origin: string; close(): Promise<void> };
    afterEach(async () => {
      await server?.close();
      await o?.close();
    });

    it('opens the mailed link, confirms nothing until the button is pressed, then shows the state in the admin API', async () => {
      o = await optInFixture(dialect);
      server = await listen(o);
      const browser = await launchBrowser();
      try {
        const page = await browser.context.newPage();
        const warnings: string[] = [];
        page.on('console', (m) => warnings.push(m.text()));
        page.on('pageerror', (e) => warnings.push(e.message));
        await roundTrip(o, page, server.origin, warnings, true);
      } finally {
        await browser.close();
      }
    });
  });

  describe('without JavaScript', () => {
    let o: OptInFixture;
    let server: { origin: string; close(): Promise<void> };
    afterEach(async () => {
      await server?.close();
      await o?.close();
    });

    it('works with scripting turned off: the page is a plain form', async () => {
      o = await optInFixture('sqlite');
      server = await listen(o);
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu'],
      });
      try {
        const context = await browser.newContext({ javaScriptEnabled: false });
        const page = await context.newPage();
        const warnings: string[] = [];
        page.on('console', (m) => warnings.push(m.text()));
        await roundTrip(o, page, server.origin, warnings);
      } finally {
        await browser.close();
      }
    });
  });
});
