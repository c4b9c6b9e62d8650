import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.ts';
import { startOutbox } from '../start-outbox.ts';
import { type Harness, makeHarness } from '../testing/app-harness.ts';
import { createMailTransport } from './transport.ts';

describe('.eml mode (no SMTP_URL)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness('sqlite', {
      MAIL_FROM: 'Beraten lassen <leads@beratung.example>',
      SALES_INBOX: 'vertrieb@beratung.example',
    });
  });
  afterAll(() => h.close());

  it('writes each mail as an .eml file named by date and Message-ID that a mail parser reads back', async () => {
    const transport = createMailTransport(h.config);
    expect(transport.describe).toContain(h.config.mailDir);
    const outbox = startOutbox({
      config: h.config,
      db: h.testDb.db,
      clock: h.deps.clock,
      logger: silentLogger,
      transport,
    });
    const res = await h.app.request('/api/leads', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: 'Jürgen Größe',
        email: 'juergen@example.de',
        message: 'Grüße aus Köln',
        topic: 'Datenstrategie',
        locale: 'de',
      }),
    });
    const { id } = (await res.json()) as { id: string };
    expect(await outbox.drainOnce()).toBe(1);
    transport.close();
    const files = readdirSync(h.config.mailDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d-]+Z-lead-${id}\\.eml$`));
    const parsed = await simpleParser(readFileSync(join(h.config.mailDir, files[0])));
    expect(parsed.from?.value[0]).toEqual({ name: 'Beraten lassen', address: 'leads@beratung.example' });
    expect(parsed.replyTo?.value[0]).toEqual({ name: 'Jürgen Größe', address: 'juergen@example.de' });
    expect(parsed.subject).toBe('Neue Anfrage: Datenstrategie · Jürgen Größe');
    expect(parsed.messageId).toBe(`<lead-${id}@beratung.example>`);
    expect(parsed.text).toContain('Grüße aus Köln');
    const job = await h.testDb.db.kysely
      .selectFrom('jobs')
      .selectAll()
      .where('lead_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(job.state).toBe('sent');
  });
});

describe('.eml mode with CONFIRMATION_MAIL=on', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness('sqlite', {
      MAIL_FROM: 'Beraten lassen <leads@beratung.example>',
      SALES_INBOX: 'vertrieb@beratung.example',
      CONFIRMATION_MAIL: 'on',
      COMPANY_NAME: 'Muster GmbH',
    });
  });
  afterAll(() => h.close());

  it('writes the notification and the confirmation of one lead as two files, both sent at the same moment', async () => {
    const transport = createMailTransport(h.config);
    const outbox = startOutbox({
      config: h.config,
      db: h.testDb.db,
      clock: h.deps.clock,
      logger: silentLogger,
      transport,
    });
    const res = await h.app.request('/api/leads', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Jürgen Größe', email: 'juergen@example.de', message: 'Grüße', locale: 'de' }),
    });
    const { id } = (await res.json()) as { id: string };
    expect(await outbox.drainOnce()).toBe(2);
    await outbox.stop();
    transport.close();
    const files = readdirSync(h.config.mailDir).sort((a, b) => a.slice(25).localeCompare(b.slice(25)));
    expect(files.map((f) => f.replace(/^[\dTZ-]+Z-/, ''))).toEqual([`confirm-${id}.eml`, `lead-${id}.eml`]);
    const parsed = await Promise.all(files.map((f) => simpleParser(readFileSync(join(h.config.mailDir, f)))));
    expect(parsed.map((p) => p.to && !Array.isArray(p.to) && p.to.value[0].address)).toEqual([
      'juergen@example.de',
      'vertrieb@beratung.example',
    ]);
    const jobs = await h.testDb.db.kysely
      .selectFrom('jobs')
      .select(['kind', 'state'])
      .where('lead_id', '=', id)
      .execute();
    expect(jobs.map((j) => j.state)).toEqual(['sent', 'sent']);
  });

  it('never replaces a file: the same mail twice in one millisecond gets a second name', async () => {
    const { createEmlTransport } = await import('./eml-transport.ts');
    const transport = createEmlTransport(join(h.config.mailDir, 'twice'));
    const mail = {
      from: 'a@beratung.example',
      to: 'b@beratung.example',
      subject: 'x',
      text: 'y',
      messageId: '<same@x>',
    };
    const sent = await Promise.all(Array.from({ length: 5 }, () => transport.send(mail)));
    transport.close();
    expect(new Set(sent.map((s) => s.file)).size).toBe(5);
    expect(readdirSync(join(h.config.mailDir, 'twice')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
