import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, adminHarness, seedLead } from '../testing/admin-harness.ts';
import type { Harness } from '../testing/app-harness.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { CSV_COLUMNS } from './export-rows.ts';

const utf8 = async (res: Response) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());

describeEachDb('admin export', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await adminHarness(dialect);
    await seedLead(h, {
      name: 'Jürgen Größe',
      email: 'juergen@example.de',
      company: '=HYPERLINK("http://evil.example","klick")',
      phone: '+49 30 1234',
      message: 'Zeile eins\nZeile "zwei"; mit Komma, Semikolon',
      source: { utm_source: 'newsletter' },
    });
    await seedLead(h, {
      name: '@SUM(A1:A9)',
      email: 'b@example.de',
      topic: '-1+1',
      message: '\tTab vorne',
      status: 'spam',
    });
  });
  afterAll(() => h.close());

  it('streams RFC 4180 CSV with a BOM, CRLF, every cell quoted and formulas neutralised', async () => {
    const res = await admin(h, '/leads/export?format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('Content-Disposition')).toBe('attachment; filename="leads-2026-11-28.csv"');
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const text = await utf8(res);
    expect([...new TextEncoder().encode(text.slice(0, 1))]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.slice(1).split('\r\n')[0]).toBe(CSV_COLUMNS.map((c) => `"${c}"`).join(','));
    const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    const [spam, juergen] = rows;
    expect(juergen).toMatchObject({
      name: 'Jürgen Größe',
      company: `'=HYPERLINK("http://evil.example","klick")`,
      phone: "'+49 30 1234",
      message: 'Zeile eins\nZeile "zwei"; mit Komma, Semikolon',
      utm_source: 'newsletter',
      mail_state: 'pending',
    });
    expect(spam).toMatchObject({ name: "'@SUM(A1:A9)", topic: "'-1+1", message: "'\tTab vorne", status: 'spam' });
  });

  it('uses semicolons for German Excel on request', async () => {
    const text = await utf8(await admin(h, '/leads/export?format=csv&delimiter=semicolon'));
    expect(text.split('\r\n')[0]).toContain('"id";"created_at"');
    const rows = parse(text, { bom: true, columns: true, delimiter: ';' }) as Record<string, string>[];
    expect(rows.map((r) => r.name)).toEqual(["'@SUM(A1:A9)", 'Jürgen Größe']);
  });

  it('applies the list filters', async () => {
    const text = await utf8(await admin(h, '/leads/export?status=spam'));
    expect((parse(text, { bom: true, columns: true }) as { name: string }[]).map((r) => r.name)).toEqual([
      "'@SUM(A1:A9)",
    ]);
  });

  it('streams NDJSON with raw values, one lead a line', async () => {
    const res = await admin(h, '/leads/export?format=ndjson&q=j%C3%BCrgen');
    expect(res.headers.get('Content-Type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('Content-Disposition')).toContain('leads-2026-11-28.ndjson');
    const lines = (await utf8(res))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({
        name: 'Jürgen Größe',
        company: '=HYPERLINK("http://evil.example","klick")',
        attribution: { utm_source: 'newsletter' },
        mailState: 'pending',
      }),
    ]);
  });

  it('is not mistaken for a lead id, and refuses an unknown format', async () => {
    expect((await admin(h, '/leads/export')).status).toBe(200);
    expect((await admin(h, '/leads/export?format=xlsx')).status).toBe(422);
  });

  it('reads every lead across several batches', async () => {
    for (let i = 0; i < 450; i++) await seedLead(h, { name: `Batch ${i}` });
    const rows = parse(await utf8(await admin(h, '/leads/export')), { bom: true, columns: true }) as { id: string }[];
    expect(rows).toHaveLength(452);
    expect(new Set(rows.map((r) => r.id)).size).toBe(452);
  });
});

describe('admin export when the database fails mid-way', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await adminHarness('sqlite');
    for (let i = 0; i < 250; i++) await seedLead(h);
  });
  afterAll(() => h.close());

  it('breaks the download instead of ending a truncated file cleanly', async () => {
    const res = await admin(h, '/leads/export');
    const reader = res.body!.getReader();
    await reader.read(); // header
    await reader.read(); // first batch
    h.testDb.db.sqlite!.exec('alter table leads rename to leads_gone');
    await expect(reader.read()).rejects.toThrow(/no such table: leads/);
  });
});
