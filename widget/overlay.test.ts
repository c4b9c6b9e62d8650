import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumMissing } from './testing/browser.ts';
import { liveStack } from './testing/live-stack.ts';
import { hostHtml, strictCsp } from './testing/stack.ts';

const missing = chromiumMissing();

const STUB = `<script>window.BeratenLassen = window.BeratenLassen || function(){(BeratenLassen.q = BeratenLassen.q || []).push(arguments)};</script>`;

type Frame = { dialogs: number; forms: number; sheets: number };

/** What the launcher's shadow root holds: dialogs, forms and adopted stylesheets. */
const launcherRoot = (page: Page) =>
  page.evaluate((): Frame => {
    const root = document.querySelector('beraten-lassen')!.shadowRoot!;
    return {
      dialogs: root.querySelectorAll('dialog').length,
      forms: root.querySelectorAll('form').length,
      sheets: root.adoptedStyleSheets.length,
    };
  });

/** The id of the element that really has focus, inside shadow roots too. */
const focusedId = (page: Page) =>
  page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.id;
  });

describe.skipIf(missing)('the launcher first, the dialog when it is needed', () => {
  const live = liveStack();

  // The queue stub is an inline script, which the strict CSP would block.
  async function visit(path: string, head = '') {
    const url = live.stack.page(path, {
      html: hostHtml(live.stack.api, { head }),
      headers: head ? {} : { 'Content-Security-Policy': strictCsp(live.stack.api) },
    });
    const page = await live.browser.context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => void (['warning', 'error'].includes(m.type()) && problems.push(m.text())));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => void requests.push(r.url()));
    // Before any page script: the first frame in which the launcher has a size records what its root holds then.
    await page.addInitScript(() => {
      const look = () => {
        const root = document.querySelector('beraten-lassen')?.shadowRoot;
        const button = root?.querySelector('button');
        if (!root || !button?.getBoundingClientRect().width) return requestAnimationFrame(look);
        (window as unknown as { firstFrame: Frame }).firstFrame = {
          dialogs: root.querySelectorAll('dialog').length,
          forms: root.querySelectorAll('form').length,
          sheets: root.adoptedStyleSheets.length,
        };
      };
      requestAnimationFrame(look);
    });
    await page.goto(url);
    return { page, problems, requests };
  }

  it('paints the launcher before any dialog exists, draws the dialog after that frame, and opens it on the first click', async () => {
    const { page, problems, requests } = await visit('/erst-der-knopf');
    await page.waitForFunction(() => 'firstFrame' in window);
    // Only the button and its own small stylesheet were there when it first painted.
    expect(await page.evaluate(() => (window as unknown as { firstFrame: Frame }).firstFrame)).toEqual({
      dialogs: 0,
      forms: 0,
      sheets: 1,
    });
    // Then the dialog and its form follow on their own, with the full stylesheet, still without any request.
    await expect.poll(() => launcherRoot(page)).toEqual({ dialogs: 1, forms: 1, sheets: 2 });
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    expect(requests.filter((r) => !r.endsWith('/favicon.ico'))).toEqual([
      `${live.stack.host}/erst-der-knopf`,
      `${live.stack.api}/widget.js`,
    ]);
    const launcher = page.getByRole('button', { name: 'Beraten lassen' });
    await launcher.click();
    await expect(page.getByRole('dialog', { name: 'Beraten lassen' }).isVisible()).resolves.toBe(true);
    expect(await focusedId(page)).toBe('bl-name');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    await expect(launcher.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).resolves.toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("opens at once for a queued 'open', before anything else has drawn the dialog, with focus in the first field", async () => {
    const { page, problems } = await visit(
      '/sofort-offen',
      `${STUB}<script>BeratenLassen('open', { name: 'Frühe Frieda' });</script>`,
    );
    const dialog = page.getByRole('dialog', { name: 'Beraten lassen' });
    await dialog.waitFor();
    await page.waitForFunction(() => 'firstFrame' in window);
    // The dialog came up in the same task as the launcher, so the first frame already had it.
    expect(await page.evaluate(() => (window as unknown as { firstFrame: Frame }).firstFrame)).toEqual({
      dialogs: 1,
      forms: 1,
      sheets: 2,
    });
    await expect(dialog.getByLabel('Name').inputValue()).resolves.toBe('Frühe Frieda');
    expect(await focusedId(page)).toBe('bl-name');
    await dialog.getByLabel('E-Mail').fill('frieda@example.de');
    await dialog.getByLabel('Ihre Nachricht').fill('Gleich beim Laden geöffnet');
    await dialog.getByRole('button', { name: 'Anfrage senden' }).click();
    await dialog.getByText('Vielen Dank!').waitFor();
    expect((await live.stack.leads()).map((l) => l.name)).toContain('Frühe Frieda');
    expect(problems).toEqual([]);
    await page.close();
  });
});
