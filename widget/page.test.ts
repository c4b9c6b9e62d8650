import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing } from './testing/browser.ts';
import { liveStack } from './testing/live-stack.ts';
import { hostHtml } from './testing/stack.ts';

const missing = chromiumMissing();
const TURBO = readFileSync(createRequire(import.meta.url).resolve('@hotwired/turbo/dist/turbo.es2017-umd.js'), 'utf8');

type W = { BeratenLassen: (...a: unknown[]) => void; firstLoad?: boolean };

/** Hosts, launchers and the typed name in the dialog, across every shadow root on the page. */
const widgets = (page: Page) =>
  page.evaluate(() => {
    const hosts = [...document.querySelectorAll('beraten-lassen')];
    return {
      hosts: hosts.length,
      launchers: hosts.filter((h) => h.shadowRoot?.querySelector('.l')).length,
      inBody: hosts.filter((h) => h.parentElement === document.body).length,
      name: (hosts[0]?.shadowRoot?.querySelector('#bl-name') as HTMLInputElement | null)?.value,
    };
  });

describe.skipIf(missing)('the widget on pages that change under it', () => {
  const live = liveStack();
  beforeAll(() => {
    live.stack.page('/turbo.js', { html: TURBO, type: 'text/javascript' });
  });

  async function typeName(page: Page, name: string) {
    await page.getByRole('button', { name: 'Beraten lassen' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill(name);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
  }

  it('keeps exactly one launcher, with what was typed, across Hotwire Turbo Drive visits, and the inquiry arrives', async () => {
    const turboPage = (title: string, other: string) =>
      hostHtml(live.stack.api, {
        head: '<script src="/turbo.js"></script>',
        body: `<main><h1>${title}</h1><a id="next" href="${other}">Weiter</a></main>`,
      });
    const start = live.stack.page('/turbo-a', { html: turboPage('Seite A', '/turbo-b') });
    live.stack.page('/turbo-b', { html: turboPage('Seite B', '/turbo-a') });
    const page = await live.browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => void (['warning', 'error'].includes(m.type()) && errors.push(m.text())));
    await page.goto(start);
    await typeName(page, 'Turbo Tina');
    await page.evaluate(() => void ((window as unknown as W).firstLoad = true));

    for (const title of ['Seite B', 'Seite A', 'Seite B']) {
      await page.locator('#next').click();
      await page.getByRole('heading', { name: title }).waitFor();
      await expect.poll(() => widgets(page)).toEqual({ hosts: 1, launchers: 1, inBody: 1, name: 'Turbo Tina' });
    }
    // Turbo swapped bodies instead of loading pages: the first page's window is still there.
    expect(await page.evaluate(() => (window as unknown as W).firstLoad)).toBe(true);
    await page.evaluate(() => (window as unknown as W).BeratenLassen('open', { email: 'tina@example.de' }));
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByLabel('Name').inputValue()).resolves.toBe('Turbo Tina');
    await dialog.getByLabel('Ihre Nachricht').fill('Nach drei Turbo-Besuchen');
    await dialog.getByRole('button', { name: 'Anfrage senden' }).click();
    await dialog.getByText('Vielen Dank!').waitFor();
    const mails = await live.stack.peer.waitFor(1);
    expect(mails.some((m) => m.parsed.text?.includes('Nach drei Turbo-Besuchen'))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('comes back once after document.body.replaceWith, and BeratenLassen("open") still opens the dialog', async () => {
    const page = await live.browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => void (['warning', 'error'].includes(m.type()) && errors.push(m.text())));
    await page.goto(live.stack.page('/ersetzt', { html: hostHtml(live.stack.api) }));
    await typeName(page, 'Ria Replace');
    for (let i = 0; i < 2; i++) {
      await page.evaluate(() => {
        // The old body is cloned, as a page cache would keep it: the copy of the host has no shadow root.
        const next = document.body.cloneNode(true) as HTMLElement;
        document.body.replaceWith(next);
      });
      await expect.poll(() => widgets(page)).toEqual({ hosts: 1, launchers: 1, inBody: 1, name: 'Ria Replace' });
    }
    await page.evaluate(() => (window as unknown as W).BeratenLassen('open'));
    await expect(page.getByRole('dialog').isVisible()).resolves.toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('follows a change of the system colour scheme while open with data-theme="auto"', async () => {
    const page = await live.browser.context.newPage();
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(live.stack.page('/auto', { html: hostHtml(live.stack.api, { attrs: 'data-theme="auto"' }) }));
    await page.getByRole('button', { name: 'Beraten lassen' }).click();
    const background = () => page.getByRole('dialog').evaluate((el) => getComputedStyle(el).backgroundColor);
    await expect(background()).resolves.toBe('rgb(255, 255, 255)');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(background).toBe('rgb(27, 30, 35)');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(background).toBe('rgb(255, 255, 255)');
    await page.close();
  });

  it("moves the launcher with BeratenLassen('set', { position }) and leaves nothing of the old position behind", async () => {
    const page = await live.browser.context.newPage();
    await page.goto(live.stack.page('/position', { html: hostHtml(live.stack.api) }));
    const launcher = page.getByRole('button', { name: 'Beraten lassen' });
    const place = () =>
      page.evaluate(() => {
        const s = (document.querySelector('beraten-lassen') as HTMLElement).style;
        return ['position', 'left', 'right', 'bottom'].map((p) => s.getPropertyValue(p) || '-');
      });
    const set = (position: string) =>
      page.evaluate((p) => (window as unknown as W).BeratenLassen('set', { position: p }), position);
    await launcher.waitFor();
    const right = (await launcher.boundingBox())!;
    expect(await place()).toEqual(['fixed', 'initial', '20px', '20px']);
    await set('bottom-left');
    expect(await place()).toEqual(['fixed', '20px', 'initial', '20px']);
    expect((await launcher.boundingBox())?.x).toBe(20);
    await set('none');
    expect(await place()).toEqual(['initial', 'initial', 'initial', 'initial']);
    await expect(launcher.count()).resolves.toBe(0);
    await set('bottom-right');
    expect(await place()).toEqual(['fixed', 'initial', '20px', '20px']);
    expect(await launcher.boundingBox()).toEqual(right);
    await page.close();
  });
});
