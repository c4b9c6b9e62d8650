import type { ConsoleMessage } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing } from './testing/browser.ts';
import { liveStack } from './testing/live-stack.ts';
import { hostHtml, strictCsp } from './testing/stack.ts';

const missing = chromiumMissing();

// What careless or hostile site CSS does: resets everything, restyles form controls with !important, shrinks rem.
const HOSTILE_CSS = `
html { font-size: 62.5% !important; }
* { all: unset !important; }
button, input, dialog, select, textarea, label, a, p, h2, div, form, span {
  font: italic 30px/3 "Comic Sans MS", cursive !important; color: red !important; background: yellow !important;
  border: 5px dashed lime !important; padding: 20px !important; margin: 13px !important; letter-spacing: 4px !important;
  text-transform: uppercase !important; display: inline !important; position: static !important; width: 90px !important;
  box-sizing: content-box !important; outline: 4px solid blue !important; opacity: .9 !important;
}
beraten-lassen, [data-beraten-lassen] { display: none !important; opacity: 0 !important; transform: scale(.5) !important; filter: invert(1) !important; color: red !important; font-size: 40px !important; }
dialog::backdrop { background: red !important; }
:host { all: unset !important; }
`;

describe.skipIf(missing)('widget on a hostile host page under a strict CSP', () => {
  const live = liveStack();
  beforeAll(() => {
    live.stack.page('/hostile.css', { html: HOSTILE_CSS, type: 'text/css' });
  });

  async function load(path: string, hostile: boolean) {
    const url = live.stack.page(path, {
      html: hostHtml(live.stack.api, {
        head: hostile ? '<link rel="stylesheet" href="/hostile.css">' : '',
        body: '<main></main>',
      }),
      headers: hostile ? { 'Content-Security-Policy': strictCsp(live.stack.api) } : {},
    });
    const page = await live.browser.context.newPage();
    const messages: string[] = [];
    page.on(
      'console',
      (m: ConsoleMessage) =>
        void (['warning', 'error'].includes(m.type()) && messages.push(`${m.type()}: ${m.text()}`)),
    );
    page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
    await page.addInitScript(() => {
      const w = window as unknown as { violations: string[] };
      w.violations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        w.violations.push(`${e.effectiveDirective} ${e.blockedURI}`),
      );
    });
    await page.goto(url);
    const launcher = page.getByRole('button', { name: 'Beraten lassen' });
    await launcher.waitFor();
    const closed = await launcher.screenshot();
    await launcher.click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // Show errors too, so more of the form's states are compared.
    await dialog.getByLabel('E-Mail').fill('falsch');
    await dialog.getByRole('button', { name: 'Anfrage senden' }).click();
    await dialog.getByText('Bitte geben Sie eine gültige E-Mail-Adresse an.').waitFor();
    await dialog.getByLabel('Name').focus();
    const open = await dialog.screenshot({ animations: 'disabled', caret: 'hide' });
    // Fill and send, so the request path runs under the CSP too.
    await dialog.getByLabel('Name').fill('Strenge Seite');
    await dialog.getByLabel('E-Mail').fill('csp@example.de');
    await dialog.getByLabel('Ihre Nachricht').fill('Läuft es ohne unsafe-inline?');
    await dialog.getByRole('button', { name: 'Anfrage senden' }).click();
    await dialog.getByText('Vielen Dank!').waitFor();
    const violations = await page.evaluate(() => (window as unknown as { violations: string[] }).violations);
    await page.close();
    return { closed, open, violations, messages };
  }

  it('looks pixel-identical to a clean page, raises no CSP violation and logs no warning', async () => {
    const clean = await load('/sauber', false);
    const hostile = await load('/feindlich', true);
    expect(hostile.violations).toEqual([]);
    expect(hostile.messages).toEqual([]);
    expect(clean.messages).toEqual([]);
    expect(hostile.closed.equals(clean.closed)).toBe(true);
    expect(hostile.open.equals(clean.open)).toBe(true);
    expect((await live.stack.leads()).map((l) => l.name)).toEqual(['Strenge Seite', 'Strenge Seite']);
  });

  it('leaves the host page’s own styles alone', async () => {
    const url = live.stack.page('/nachbarn', {
      html: hostHtml(live.stack.api, {
        body: '<main><h2 id="own">Eigene Überschrift</h2><button id="b">Eigener Knopf</button><div data-beraten-lassen></div></main>',
      }),
    });
    const page = await live.browser.context.newPage();
    const styleOf = () =>
      page.evaluate(() =>
        ['own', 'b'].map((id) => {
          const s = getComputedStyle(document.getElementById(id)!);
          return [s.font, s.color, s.backgroundColor, s.margin, s.padding, s.boxSizing].join('|');
        }),
      );
    await page.goto(url);
    const before = await page.evaluate(() => document.styleSheets.length);
    await page.getByRole('button', { name: 'Beraten lassen' }).waitFor();
    await page.getByLabel('Name').first().waitFor();
    const after = await styleOf();
    await page.evaluate(() => {
      for (const s of document.querySelectorAll('script')) s.remove();
    });
    expect(await page.evaluate(() => document.styleSheets.length)).toBe(before);
    expect(await page.evaluate(() => document.adoptedStyleSheets.length)).toBe(0);
    // The same page without the widget computes the same styles for its own elements.
    const bare = await live.browser.context.newPage();
    await bare.setContent(
      '<main><h2 id="own">Eigene Überschrift</h2><button id="b">Eigener Knopf</button><div></div></main>',
    );
    const without = await bare.evaluate(() =>
      ['own', 'b'].map((id) => {
        const s = getComputedStyle(document.getElementById(id)!);
        return [s.font, s.color, s.backgroundColor, s.margin, s.padding, s.boxSizing].join('|');
      }),
    );
    expect(after).toEqual(without);
    await bare.close();
    await page.close();
  });

  it('runs on the bundled demo page under its own strict CSP, with topics from the page’s buttons', async () => {
    const page = await live.browser.context.newPage();
    const messages: string[] = [];
    page.on('console', (m) => void (['warning', 'error'].includes(m.type()) && messages.push(m.text())));
    page.on('pageerror', (e) => messages.push(e.message));
    await page.addInitScript(() => {
      const w = window as unknown as { violations: string[] };
      w.violations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        w.violations.push(`${e.effectiveDirective} ${e.blockedURI}`),
      );
    });
    const res = await page.goto(`${live.stack.api}/`);
    expect(res?.headers()['content-security-policy']).toContain("require-trusted-types-for 'script'");
    await page.locator('#kontakt').getByLabel('Name').waitFor();
    await page.getByRole('button', { name: 'Zu Dokumenten-KI beraten lassen' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByLabel('Thema').inputValue()).resolves.toBe('Dokumenten-KI');
    await expect(dialog.getByLabel('Thema').locator('option').allTextContents()).resolves.toEqual([
      'Bitte wählen',
      'KI-Strategie',
      'Dokumenten-KI',
      'Schulung',
      'Sonstiges',
    ]);
    await dialog.getByLabel('Name').fill('Demo');
    await page.keyboard.press('Escape');
    await expect(
      page
        .getByRole('button', { name: 'Zu Dokumenten-KI beraten lassen' })
        .evaluate((el) => el === document.activeElement),
    ).resolves.toBe(true);
    expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
    expect(messages).toEqual([]);
    await page.close();
  });
});
