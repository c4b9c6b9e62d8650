import { describe, expect, it } from 'vitest';
import { chromiumMissing } from './testing/browser.ts';
import { liveStack } from './testing/live-stack.ts';
import { hostHtml, strictCsp } from './testing/stack.ts';

const missing = chromiumMissing();

describe.skipIf(missing)('nothing the widget runs throws into the host page', () => {
  const live = liveStack();

  it('turns an exception inside its own click and close handlers into a console warning', async () => {
    // A broken tag manager: every push throws, so the launcher's onClick and the dialog's onClose handlers throw.
    live.stack.page('/broken-layer.js', {
      html: 'window.dataLayer = { push() { throw new Error("broken tag manager"); } };',
      type: 'text/javascript',
    });
    const url = live.stack.page('/kaputt', {
      html: hostHtml(live.stack.api, {
        attrs: 'data-datalayer="on"',
        head: '<script src="/broken-layer.js"></script>',
      }),
      headers: { 'Content-Security-Policy': strictCsp(live.stack.api).replace('script-src', "script-src 'self'") },
    });
    const page = await live.browser.context.newPage();
    const pageErrors: string[] = [];
    const warnings: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => void (m.type() === 'warning' && warnings.push(m.text())));
    await page.goto(url);
    const launcher = page.getByRole('button', { name: 'Beraten lassen' });
    await launcher.click();
    await page.getByRole('dialog').getByLabel('Name').fill('Trotzdem da');
    await page.getByRole('button', { name: 'Schließen' }).click();
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    await expect(launcher.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).resolves.toBe(true);
    await launcher.click();
    await expect(page.getByRole('dialog').getByLabel('Name').inputValue()).resolves.toBe('Trotzdem da');
    expect(pageErrors).toEqual([]);
    expect(warnings.filter((w) => w.includes('broken tag manager'))).toHaveLength(3);
    await page.close();
  });
});
