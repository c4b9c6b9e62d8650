import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumMissing } from './testing/browser.ts';
import { liveStack } from './testing/live-stack.ts';
import { hostHtml, strictCsp } from './testing/stack.ts';

const missing = chromiumMissing();

// The documented queue stub, pasted before the script tag.
const STUB = `<script>window.BeratenLassen = window.BeratenLassen || function(){(BeratenLassen.q = BeratenLassen.q || []).push(arguments)};</script>`;

describe.skipIf(missing)('embedding the widget', () => {
  const live = liveStack();

  async function visit(
    path: string,
    html: string,
    csp = true,
  ): Promise<{ page: Page; warnings: string[]; requests: string[] }> {
    const url = live.stack.page(path, {
      html,
      headers: csp ? { 'Content-Security-Policy': strictCsp(live.stack.api) } : {},
    });
    const page = await live.browser.context.newPage();
    const warnings: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => void (['warning', 'error'].includes(m.type()) && warnings.push(m.text())));
    page.on('pageerror', (e) => warnings.push(`pageerror: ${e.message}`));
    page.on('request', (r) => void requests.push(`${r.method()} ${r.url()}`));
    await page.goto(url);
    return { page, warnings, requests };
  }

  const widgetState = (page: Page) =>
    page.evaluate(() => ({
      hosts: document.querySelectorAll('beraten-lassen').length,
      forms: [...document.querySelectorAll('beraten-lassen')].filter((h) => h.shadowRoot?.querySelector('form')).length,
      launchers: [...document.querySelectorAll('beraten-lassen')].filter((h) => h.shadowRoot?.querySelector('.l'))
        .length,
    }));

  it('makes no request and stores nothing before the visitor interacts', async () => {
    const { page, requests } = await visit(
      '/still',
      hostHtml(live.stack.api, { body: '<main><div data-beraten-lassen></div></main>' }),
    );
    await page.getByRole('button', { name: 'Beraten lassen' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(requests.filter((r) => !r.endsWith('/favicon.ico'))).toEqual([
      `GET ${live.stack.host}/still`,
      `GET ${live.stack.api}/widget.js`,
    ]);
    expect(await page.evaluate(() => [document.cookie, localStorage.length, sessionStorage.length])).toEqual([
      '',
      0,
      0,
    ]);
    expect(await live.browser.context.cookies()).toEqual([]);
    // The first interaction fetches the spam challenge, and still stores nothing.
    await page.locator('[data-beraten-lassen]').getByLabel('Name').focus();
    await page.waitForLoadState('networkidle');
    await expect.poll(() => requests.some((r) => r === `GET ${live.stack.api}/api/leads/challenge`)).toBe(true);
    expect(await page.evaluate(() => [document.cookie, localStorage.length, sessionStorage.length])).toEqual([
      '',
      0,
      0,
    ]);
    await page.close();
  });

  it('speaks English when the page or data-lang says so, and stores the lead as English', async () => {
    // No data-label: the launcher and the dialog title take the language's own default.
    const { page } = await visit('/en', hostHtml(live.stack.api, { lang: 'en-GB' }));
    await page.getByRole('button', { name: 'Get advice' }).click();
    const dialog = page.getByRole('dialog', { name: 'Get advice' });
    await dialog.getByRole('button', { name: 'Send inquiry' }).click();
    await expect(dialog.getByText('Please fill in this field.').count()).resolves.toBe(3);
    await expect(dialog.getByRole('link', { name: 'Privacy notice' }).getAttribute('href')).resolves.toBe(
      `${live.stack.host}/datenschutz`,
    );
    await dialog.getByLabel('Name').fill('Emily English');
    await dialog.getByLabel('Email').fill('emily@example.co.uk');
    await dialog.getByLabel('Your message').fill('Could you help with document AI?');
    await dialog.getByRole('button', { name: 'Send inquiry' }).click();
    await dialog.getByText('Thank you!').waitFor();
    const lead = (await live.stack.leads()).find((l) => l.name === 'Emily English');
    expect(lead?.locale).toBe('en');
    await page.close();

    const german = await visit('/de-tag', hostHtml(live.stack.api, { lang: 'en', attrs: 'data-lang="de"' }));
    await german.page.getByRole('button', { name: 'Beraten lassen' }).click();
    await german.page.getByRole('dialog').getByRole('button', { name: 'Anfrage senden' }).waitFor();
    await german.page.close();

    const labelled = await visit(
      '/label',
      hostHtml(live.stack.api, { attrs: 'data-lang="en" data-label="Talk to us"' }),
    );
    await labelled.page.getByRole('button', { name: 'Talk to us' }).click();
    await labelled.page
      .getByRole('dialog', { name: 'Talk to us' })
      .getByRole('button', { name: 'Send inquiry' })
      .waitFor();
    await labelled.page.close();
  });

  it('mounts once even when the script is included twice', async () => {
    const { page, warnings } = await visit(
      '/zweimal',
      hostHtml(live.stack.api, { scripts: 2, body: '<main><div data-beraten-lassen></div></main>' }),
    );
    await page.getByRole('button', { name: 'Beraten lassen' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await widgetState(page)).toEqual({ hosts: 2, forms: 2, launchers: 1 });
    expect(warnings).toEqual([]);
    await page.close();
  });

  it('keeps the inline form and what was typed across SPA route changes, without mounting twice', async () => {
    const { page } = await visit(
      '/spa',
      hostHtml(live.stack.api, {
        attrs: 'data-position="none"',
        body: '<main id="app"><div id="c" data-beraten-lassen></div></main>',
      }),
    );
    const app = page.locator('#app');
    const name = app.getByLabel('Name');
    await name.fill('Sina SPA');
    await app.getByLabel('Ihre Nachricht').fill('Noch nicht fertig');
    // The router takes the container out, changes the URL and puts the same node back.
    await page.evaluate(() => {
      const c = document.getElementById('c')!;
      c.remove();
      history.pushState({}, '', '/spa/leistungen');
      document.getElementById('app')!.append(c);
    });
    await expect(name.inputValue()).resolves.toBe('Sina SPA');
    // A framework re-render replaces the container with a new, empty one.
    await page.evaluate(() => {
      document.getElementById('c')!.remove();
      history.pushState({}, '', '/spa/kontakt');
      const fresh = document.createElement('div');
      fresh.setAttribute('data-beraten-lassen', '');
      document.getElementById('app')!.append(fresh);
    });
    await page.locator('#app beraten-lassen').waitFor({ state: 'attached' });
    await expect(app.getByLabel('Ihre Nachricht').inputValue()).resolves.toBe('Noch nicht fertig');
    expect(await widgetState(page)).toEqual({ hosts: 2, forms: 2, launchers: 0 });
    expect(await page.evaluate(() => document.querySelectorAll('#app beraten-lassen').length)).toBe(1);
    await app.getByLabel('E-Mail').fill('sina@example.de');
    await app.getByRole('button', { name: 'Anfrage senden' }).click();
    await app.getByText('Vielen Dank!').waitFor();
    const lead = (await live.stack.leads()).find((l) => l.name === 'Sina SPA');
    expect(JSON.parse(lead?.source ?? '{}').url).toBe(`${live.stack.host}/spa/kontakt`);
    await page.close();
  });

  it('replays the queue, fires events and dataLayer entries, and survives a throwing handler', async () => {
    const html = hostHtml(live.stack.api, {
      attrs: 'data-datalayer="on"',
      head: `${STUB}<script>
        window.seen = [];
        for (const n of ['open', 'submit', 'success', 'error']) addEventListener('beraten-lassen:' + n, (e) => seen.push('event:' + n));
        BeratenLassen('on', 'open', (d) => seen.push('on:open:' + d.topic));
        BeratenLassen('on', 'success', () => { throw new Error('a bug in the host page'); });
        BeratenLassen('on', 'close', () => seen.push('on:close'));
        BeratenLassen('open', { topic: 'Schulung', name: 'Queue Vorab', email: 'queue@example.de', message: 'Aus der Warteschlange' });
      </script>`,
    });
    const { page, warnings } = await visit('/api', html, false);
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await expect(dialog.getByLabel('Name').inputValue()).resolves.toBe('Queue Vorab');
    await expect(dialog.getByLabel('Thema').inputValue()).resolves.toBe('Schulung');
    await dialog.getByRole('button', { name: 'Anfrage senden' }).click();
    await dialog.getByText('Vielen Dank!').waitFor();
    await page.evaluate(() =>
      (window as unknown as { BeratenLassen: (...a: unknown[]) => void }).BeratenLassen('close'),
    );
    await expect(dialog.count()).resolves.toBe(0);
    await page.evaluate(() =>
      (window as unknown as { BeratenLassen: (...a: unknown[]) => void }).BeratenLassen('explode'),
    );
    await page.evaluate(() =>
      (window as unknown as { BeratenLassen: (...a: unknown[]) => void }).BeratenLassen('set', {
        label: 'Jetzt anfragen',
        lang: 'en',
      }),
    );
    await page.getByRole('button', { name: 'Jetzt anfragen' }).click();
    await page.getByRole('dialog', { name: 'Jetzt anfragen' }).getByRole('button', { name: 'Send inquiry' }).waitFor();
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen).toEqual([
      'event:open',
      'on:open:Schulung',
      'event:submit',
      'event:success',
      'on:close',
      'event:open',
      'on:open:undefined',
    ]);
    const layer = await page.evaluate(() =>
      (window as unknown as { dataLayer: { event: string }[] }).dataLayer.map((e) => e.event),
    );
    expect(layer).toEqual([
      'beraten-lassen:open',
      'beraten-lassen:submit',
      'beraten-lassen:success',
      'beraten-lassen:close',
      'beraten-lassen:open',
    ]);
    // No visitor data goes into the analytics layer.
    expect(
      JSON.stringify(await page.evaluate(() => (window as unknown as { dataLayer: unknown[] }).dataLayer)),
    ).not.toContain('queue@example.de');
    expect(warnings.some((w) => w.includes('a bug in the host page'))).toBe(true);
    expect(warnings.some((w) => w.includes('unknown command "explode"'))).toBe(true);
    expect(warnings.filter((w) => w.startsWith('pageerror'))).toEqual([]);
    await page.close();
  });

  it('asks for consent when configured, keeps the marketing opt-in separate and unticked, then redirects', async () => {
    const thanks = live.stack.page('/danke', { html: '<!doctype html><title>Danke</title><h1>Danke</h1>' });
    const { page } = await visit(
      '/einwilligung',
      hostHtml(live.stack.api, {
        attrs: 'data-consent="required" data-consent-version="2026-11" data-marketing="on" data-success-url="/danke"',
      }),
    );
    await page.getByRole('button', { name: 'Beraten lassen' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Conny Consent');
    await dialog.getByRole('textbox', { name: /^E-Mail/ }).fill('conny@example.de');
    await dialog.getByLabel('Ihre Nachricht').fill('Bitte um Rückruf');
    await expect(dialog.getByRole('checkbox', { name: /Neuigkeiten/ }).isChecked()).resolves.toBe(false);
    await dialog.getByRole('button', { name: 'Anfrage senden' }).click();
    await dialog.getByText('Bitte stimmen Sie zu, damit wir Ihre Anfrage bearbeiten können.').waitFor();
    await expect(dialog.getByRole('checkbox', { name: /einverstanden/ }).getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    expect((await live.stack.leads()).some((l) => l.name === 'Conny Consent')).toBe(false);
    await dialog.getByRole('checkbox', { name: /einverstanden/ }).check();
    await dialog.getByRole('button', { name: 'Anfrage senden' }).click();
    await page.waitForURL(thanks);
    const lead = (await live.stack.leads()).find((l) => l.name === 'Conny Consent');
    expect(lead).toMatchObject({ consent: 1, marketing: 0 });
    await page.close();
  });

  it('shows nothing and says why when data-privacy-url is missing', async () => {
    const html = hostHtml(live.stack.api, { body: '<main><div data-beraten-lassen></div></main>' }).replace(
      'data-privacy-url="/datenschutz"',
      '',
    );
    const { page, warnings } = await visit('/ohne-datenschutz', html);
    await expect.poll(() => warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toContain('data-privacy-url');
    expect(await widgetState(page)).toEqual({ hosts: 0, forms: 0, launchers: 0 });
    await page.close();
  });
});
