import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../server/clock.ts';
import { chromiumMissing } from './testing/browser.ts';
import { liveStack } from './testing/live-stack.ts';
import { hostHtml, strictCsp } from './testing/stack.ts';

const missing = chromiumMissing();

describe.skipIf(missing)('widget submits a lead from another origin', () => {
  // The real spam protection is on: the widget must fetch the challenge and solve the proof of work.
  const live = liveStack({ SPAM_POW: 'on', POW_MAX_NUMBER: '2000' });

  async function openPage(path: string, attrs = ''): Promise<Page> {
    const url = live.stack.page(path, {
      html: hostHtml(live.stack.api, {
        attrs: `data-topics="KI-Strategie,Schulung" ${attrs}`,
        body: '<main><button id="cta" data-beraten-lassen-open="Schulung">Schulung anfragen</button></main>',
      }),
      headers: { 'Content-Security-Policy': strictCsp(live.stack.api) },
    });
    const page = await live.browser.context.newPage();
    await page.goto(`${url}?utm_source=newsletter&utm_campaign=herbst`);
    await page.getByRole('button', { name: 'Beraten lassen' }).waitFor();
    return page;
  }

  async function fill(page: Page, name: string) {
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('E-Mail').fill('jana@example.de');
    await page.getByLabel('Unternehmen').fill('Muster GmbH');
    await page.getByLabel('Ihre Nachricht').fill('Wir möchten Rechnungen automatisch auslesen.');
  }

  it('opens from a page button with its topic, sends, thanks the visitor, stores the lead with its mail job and mails sales', async () => {
    const page = await openPage('/kontakt');
    await page.locator('#cta').click();
    const dialog = page.getByRole('dialog', { name: 'Beraten lassen' });
    await expect(dialog.isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Thema').inputValue()).resolves.toBe('Schulung');
    await fill(page, 'Jana Beispiel');
    await page.getByRole('button', { name: 'Anfrage senden' }).click();
    await expect(page.getByRole('status').getByText('Vielen Dank!').waitFor()).resolves.toBeUndefined();

    const leads = await live.stack.leads();
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({
      name: 'Jana Beispiel',
      email: 'jana@example.de',
      topic: 'Schulung',
      locale: 'de',
      status: 'new',
    });
    const source = JSON.parse(leads[0].source ?? '{}');
    expect(source).toMatchObject({ utm_source: 'newsletter', utm_campaign: 'herbst' });
    expect(source.url).toBe(`${live.stack.host}/kontakt?utm_source=newsletter&utm_campaign=herbst`);
    expect((await live.stack.jobs()).filter((j) => j.lead_id === leads[0].id)).toHaveLength(1);
    const [mail] = await live.stack.peer.waitFor(1);
    expect(mail.parsed.text).toContain('Wir möchten Rechnungen automatisch auslesen.');
    expect(mail.envelope.to).toEqual(['vertrieb@beratung.example']);
    await page.close();
  });

  it('shows field errors from the spec before sending anything, tied to their inputs', async () => {
    const page = await openPage('/fehler');
    let posts = 0;
    page.on('request', (r) => void (r.method() === 'POST' && posts++));
    await page.getByRole('button', { name: 'Beraten lassen' }).click();
    await page.getByLabel('E-Mail').fill('kein-at-zeichen');
    await page.getByRole('button', { name: 'Anfrage senden' }).click();
    const email = page.getByLabel('E-Mail');
    await expect(email.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByText('Bitte geben Sie eine gültige E-Mail-Adresse an.').isVisible()).resolves.toBe(true);
    const described = await email.evaluate(
      (el) =>
        el.getRootNode() &&
        (el.getRootNode() as ShadowRoot).getElementById(el.getAttribute('aria-describedby')!)?.textContent,
    );
    expect(described).toBe('Bitte geben Sie eine gültige E-Mail-Adresse an.');
    await expect(
      page.getByLabel('Name').evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement),
    ).resolves.toBe(true);
    expect(posts).toBe(0);
    await page.close();
  });

  it('keeps everything typed through network failures and retries with one key: exactly one lead, one job, one mail', async () => {
    const mailsBefore = live.stack.peer.mails.length;
    const page = await openPage('/netz');
    const keys: string[] = [];
    let attempt = 0;
    await page.route(`${live.stack.api}/api/leads`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push((await route.request().headerValue('idempotency-key')) ?? '');
      attempt++;
      if (attempt === 1) return route.abort('internetdisconnected'); // never reached the server
      if (attempt === 2) {
        await route.fetch(); // reached the server and was stored, but the answer was lost
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await page.getByRole('button', { name: 'Beraten lassen' }).click();
    await fill(page, 'Netz Test');
    const send = page.locator('form button[type=submit]');
    await send.click();
    await page.getByText('Keine Verbindung zum Server').waitFor();
    await expect(page.getByLabel('Name').inputValue()).resolves.toBe('Netz Test');
    await expect(page.getByLabel('Ihre Nachricht').inputValue()).resolves.toBe(
      'Wir möchten Rechnungen automatisch auslesen.',
    );
    await expect(send.textContent()).resolves.toBe('Erneut senden');
    await send.click();
    await page.getByText('Keine Verbindung zum Server').waitFor();
    await send.click();
    await page.getByText('Vielen Dank!').waitFor();

    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    // The harness clock stands still, so lead ids do not sort by time: select by name.
    const leads = (await live.stack.leads()).filter((l) => l.name === 'Netz Test');
    expect(leads).toHaveLength(1);
    expect((await live.stack.jobs()).filter((j) => j.lead_id === leads[0].id)).toHaveLength(1);
    await live.stack.peer.waitFor(mailsBefore + 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(live.stack.peer.mails.filter((m) => m.parsed.text?.includes('Netz Test'))).toHaveLength(1);
    await page.close();
  });

  it('sends with a getRandomValues key where crypto.randomUUID is missing, and the lead is stored', async () => {
    await live.browser.context.addInitScript(() => {
      if (location.pathname === '/ohne-uuid') delete (Crypto.prototype as { randomUUID?: unknown }).randomUUID;
    });
    const page = await openPage('/ohne-uuid');
    const keys: string[] = [];
    page.on('request', (r) => void (r.method() === 'POST' && keys.push(r.headers()['idempotency-key'])));
    expect(await page.evaluate(() => typeof crypto.randomUUID)).toBe('undefined');
    await page.getByRole('button', { name: 'Beraten lassen' }).click();
    await fill(page, 'Ohne UUID');
    await page.locator('form button[type=submit]').click();
    await page.getByText('Vielen Dank!').waitFor();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect((await live.stack.leads()).filter((l) => l.name === 'Ohne UUID')).toHaveLength(1);
    await page.close();
  });

  it('sends once when the visitor double-clicks the submit button', async () => {
    const page = await openPage('/doppelt');
    let posts = 0;
    page.on('request', (r) => void (r.method() === 'POST' && posts++));
    await page.getByRole('button', { name: 'Beraten lassen' }).click();
    await fill(page, 'Doppel Klick');
    await page.locator('form button[type=submit]').dblclick();
    await page.getByText('Vielen Dank!').waitFor();
    await new Promise((r) => setTimeout(r, 300));
    expect(posts).toBe(1);
    expect((await live.stack.leads()).filter((l) => l.name === 'Doppel Klick')).toHaveLength(1);
    await page.close();
  });

  it('maps the server’s 422 issues back to the fields, in the visitor’s language', async () => {
    const page = await openPage('/server-fehler');
    // Fault: the body is altered on the wire, so only the server's check can refuse it.
    await page.route(`${live.stack.api}/api/leads`, (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const body = JSON.parse(route.request().postData() ?? '{}');
      return route.continue({ postData: JSON.stringify({ ...body, company: 'Muster\u202eGmbH' }) });
    });
    await page.getByRole('button', { name: 'Beraten lassen' }).click();
    await fill(page, 'Server Prüfung');
    await page.locator('form button[type=submit]').click();
    const company = page.getByLabel('Unternehmen');
    await page.getByText('Dieses Feld enthält unzulässige Steuerzeichen.').waitFor();
    await expect(company.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Bitte prüfen Sie die markierten Felder.');
    await expect(company.inputValue()).resolves.toBe('Muster GmbH');
    expect((await live.stack.leads()).some((l) => l.name === 'Server Prüfung')).toBe(false);
    await page.close();
  });
});

describe.skipIf(missing)('widget and the time trap', () => {
  // A real clock, so the signed challenge ages as it would in production.
  const live = liveStack({ MIN_FILL_SECONDS: '2' }, { clock: systemClock });

  it("waits out the minimum fill time for a prefilled form sent at once, so the lead is a person's and is mailed", async () => {
    const url = live.stack.page('/vorausgefuellt', {
      html: hostHtml(live.stack.api),
      headers: { 'Content-Security-Policy': strictCsp(live.stack.api) },
    });
    const page = await live.browser.context.newPage();
    await page.goto(url);
    await page.getByRole('button', { name: 'Beraten lassen' }).waitFor();
    await page.evaluate(() =>
      (window as unknown as { BeratenLassen: (...a: unknown[]) => void }).BeratenLassen('open', {
        name: 'Eilige Person',
        email: 'eilig@example.de',
        message: 'Schnell ausgefüllt dank Autofill.',
      }),
    );
    await page.getByRole('button', { name: 'Anfrage senden' }).click();
    await page.getByRole('status').getByText('Vielen Dank!').waitFor({ timeout: 15_000 });
    const leads = await live.stack.leads();
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ name: 'Eilige Person', status: 'new' });
    await live.stack.peer.waitFor(1);
    await page.close();
  });
});
