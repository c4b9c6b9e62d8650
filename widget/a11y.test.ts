import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumMissing } from './testing/browser.ts';
import { liveStack } from './testing/live-stack.ts';
import { hostHtml, strictCsp } from './testing/stack.ts';

const missing = chromiumMissing();
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Where focus really is: inside the widget's shadow root when the host element holds it. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return {
      id: el?.id ?? '',
      tag: el?.tagName.toLowerCase() ?? '',
      text: el?.textContent ?? '',
      inDialog: Boolean(el?.closest('dialog[open]')),
    };
  });

describe.skipIf(missing)('widget accessibility', () => {
  const live = liveStack();

  async function open(path: string, opts: { attrs?: string; csp?: boolean; body?: string } = {}) {
    const url = live.stack.page(path, {
      html: hostHtml(live.stack.api, {
        attrs: opts.attrs,
        body:
          opts.body ??
          '<main><a href="#top">Start</a> <button id="cta" data-beraten-lassen-open>Kontakt</button></main>',
      }),
      headers: opts.csp === false ? {} : { 'Content-Security-Policy': strictCsp(live.stack.api) },
    });
    const page = await live.browser.context.newPage();
    await page.goto(url);
    await page.getByRole('button', { name: 'Beraten lassen' }).waitFor();
    return page;
  }

  it('submits a lead with the keyboard alone, traps focus in the dialog, and Escape returns focus to the opener', async () => {
    const page = await open('/tastatur');
    while ((await focused(page)).id !== 'cta') await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatchObject({ id: 'bl-name', inDialog: true });
    await page.keyboard.type('Karla Tastatur');
    await page.keyboard.press('Tab');
    await page.keyboard.type('karla@example.de');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect((await focused(page)).id).toBe('bl-message');
    await page.keyboard.type('Bitte rufen Sie mich an.');

    // Focus never leaves the open dialog, however often the visitor tabs, forwards or backwards.
    const seen = new Set<string>();
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press(i < 10 ? 'Tab' : 'Shift+Tab');
      const f = await focused(page);
      expect(f.inDialog).toBe(true);
      seen.add(f.id || f.tag);
    }
    expect(seen.has('bl-name')).toBe(true);

    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    expect((await focused(page)).id).toBe('cta');

    // Reopening keeps what was typed; Enter in a one-line field sends.
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatchObject({ id: 'bl-name', inDialog: true });
    await page.keyboard.press('Enter');
    await page.getByText('Vielen Dank!').waitFor();
    const leads = await live.stack.leads();
    expect(leads.map((l) => [l.name, l.email, l.message])).toEqual([
      ['Karla Tastatur', 'karla@example.de', 'Bitte rufen Sie mich an.'],
    ]);
    await page.keyboard.press('Escape');
    expect((await focused(page)).id).toBe('cta');
    await page.close();
  });

  it('returns focus to the launcher after the dialog is closed with its close button', async () => {
    const page = await open('/launcher');
    await page.getByRole('button', { name: 'Beraten lassen' }).focus();
    await page.keyboard.press('Enter');
    expect((await focused(page)).id).toBe('bl-name');
    await page.getByRole('button', { name: 'Schließen' }).focus();
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatchObject({ text: 'Beraten lassen', inDialog: false });
    await page.close();
  });

  it('gives every target at least 44 px and shows a visible focus ring', async () => {
    const page = await open('/ziele', { attrs: 'data-consent="required" data-marketing="on" data-topics="A,B"' });
    await page.getByRole('button', { name: 'Beraten lassen' }).click();
    const small = await page.evaluate(() => {
      const root = document.querySelector('beraten-lassen')!.shadowRoot!;
      return [...root.querySelectorAll('input:not([tabindex="-1"]), select, textarea, button, a, label.c')]
        .filter((el) => !el.closest('label.c') || el.matches('label.c'))
        .map((el) => [`${el.tagName}#${el.id}`, el.getBoundingClientRect().height, el.getBoundingClientRect().width])
        .filter(([, h, w]) => Math.round(h as number) < 44 || Math.round(w as number) < 44);
    });
    expect(small).toEqual([]);
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const el = document.querySelector('beraten-lassen')!.shadowRoot!.activeElement!;
      const s = getComputedStyle(el);
      return [s.outlineStyle, s.outlineWidth];
    });
    expect(outline).toEqual(['solid', '3px']);
    await page.close();
  });

  const axeCases: [string, string, (page: Page) => Promise<void>][] = [
    [
      'the open dialog',
      'data-topics="A,B" data-consent="required" data-marketing="on"',
      async (page) => {
        await page.getByRole('button', { name: 'Beraten lassen' }).click();
      },
    ],
    [
      'the dialog showing field errors',
      'data-consent="required"',
      async (page) => {
        await page.getByRole('button', { name: 'Beraten lassen' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByLabel('E-Mail').fill('falsch');
        await dialog.getByRole('button', { name: 'Anfrage senden' }).click();
        await dialog.getByText('Bitte geben Sie eine gültige E-Mail-Adresse an.').waitFor();
      },
    ],
    [
      'the dark dialog',
      'data-theme="dark" data-lang="en"',
      async (page) => {
        await page.getByRole('button', { name: 'Get advice' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByLabel('Email').fill('wrong');
        await dialog.getByRole('button', { name: 'Send inquiry' }).click();
        await dialog.getByText('Please enter a valid email address.').waitFor();
      },
    ],
    [
      'the inline form',
      'data-position="none"',
      async (page) => {
        await page.getByLabel('Name').first().waitFor();
      },
    ],
  ];
  for (const [what, attrs, act] of axeCases) {
    it(`axe-core finds no violations in ${what}`, async () => {
      const url = live.stack.page(`/axe-${what.replace(/\W/g, '')}`, {
        html: hostHtml(live.stack.api, {
          attrs,
          lang: attrs.includes('data-lang="en"') ? 'en' : 'de',
          body: '<main><h1>Kunde</h1><div data-beraten-lassen></div></main>',
        }),
      });
      const page = await live.browser.context.newPage();
      await page.goto(url);
      await page.locator('beraten-lassen').first().waitFor({ state: 'attached' });
      const label = attrs.includes('data-lang="en"') ? 'Get advice' : 'Beraten lassen';
      if (!attrs.includes('none')) await page.getByRole('button', { name: label }).waitFor();
      await act(page);
      await page.addScriptTag({ content: AXE });
      const result = await page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: {
              run(
                ctx: unknown,
                opts: unknown,
              ): Promise<{
                violations: { id: string; nodes: { target: unknown; failureSummary?: string }[] }[];
                passes: unknown[];
              }>;
            };
          }
        ).axe;
        const r = await axe.run(document, {
          rules: {
            region: { enabled: false },
            'landmark-one-main': { enabled: false },
            'page-has-heading-one': { enabled: false },
          },
        });
        return {
          violations: r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => [n.target, n.failureSummary]) })),
          passes: r.passes.length,
        };
      });
      expect(result.violations).toEqual([]);
      expect(result.passes).toBeGreaterThan(10);
      await page.close();
    });
  }
});

describe.skipIf(missing)('widget on a small screen', () => {
  const live = liveStack();

  it('opens the dialog as a full-screen sheet below 480 px, sized in px even when the host shrinks rem', async () => {
    live.stack.page('/klein.css', { html: 'html{font-size:62.5%}', type: 'text/css' });
    const url = live.stack.page('/klein', {
      html: hostHtml(live.stack.api, {
        head: '<meta name="viewport" content="width=device-width"><link rel="stylesheet" href="/klein.css">',
      }),
    });
    const page = await live.browser.context.newPage();
    await page.setViewportSize({ width: 390, height: 700 });
    // Reduced motion also proves the opening animation is switched off, so the box is measured at rest.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(url);
    await page.getByRole('button', { name: 'Beraten lassen' }).click();
    const box = await page.getByRole('dialog').boundingBox();
    expect(Object.values(box ?? {}).map(Math.round)).toEqual([0, 0, 390, 700]);
    await expect(page.getByRole('dialog').evaluate((el) => getComputedStyle(el).animationName)).resolves.toBe('none');
    const size = await page.getByLabel('Name').evaluate((el) => getComputedStyle(el).fontSize);
    expect(size).toBe('16px');
    await page.close();
  });
});
