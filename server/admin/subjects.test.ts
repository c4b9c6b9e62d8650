import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { iso } from '../clock.ts';
import { uuidv7 } from '../ids.ts';
import { admin, adminHarness, body, seedLead } from '../testing/admin-harness.ts';
import type { Harness } from '../testing/app-harness.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { SubjectExportSchema } from './schemas.ts';

describeEachDb('DSGVO subject access and erasure', (dialect) => {
  let h: Harness;
  let first: string;
  let second: string;
  let bystander: string;
  beforeAll(async () => {
    h = await adminHarness(dialect);
    first = await seedLead(h, {
      name: 'Erika Mustermann',
      email: 'erika.m@beispiel.de',
      message: 'Erste Anfrage',
      source: { utm_source: 'erika-newsletter' },
    });
    second = await seedLead(h, {
      name: 'Erika M.',
      email: 'Erika.M@Beispiel.DE',
      message: 'Zweite Anfrage, schreibt an erika.m@beispiel.de',
    });
    bystander = await seedLead(h, { name: 'Max Muster', email: 'max@beispiel.de', message: 'Kennt erika nicht' });
    const job = await h.deps.db.kysely
      .selectFrom('jobs')
      .select('id')
      .where('lead_id', '=', first)
      .executeTakeFirstOrThrow();
    await h.deps.db.kysely
      .insertInto('job_attempts')
      .values({
        id: uuidv7(),
        job_id: job.id,
        lead_id: first,
        at: iso(h.deps.clock),
        ok: 0,
        error: '550 <erika.m@beispiel.de> unknown',
      })
      .execute();
    await admin(h, `/leads/${first}`, {
      method: 'PATCH',
      body: JSON.stringify({ status: 'contacted', note: 'Erika ruft zurück' }),
    });
  });
  afterAll(() => h.close());

  /** Every text cell of every table, found from the live schema, so tables added later are searched too. */
  async function cellsMentioning(needle: string): Promise<string[]> {
    const k = h.deps.db.kysely;
    const columns: { table: string; column: string }[] =
      dialect === 'sqlite'
        ? (
            await sql<{
              table: string;
              column: string;
            }>`select m.name as "table", p.name as "column" from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table' and m.name not like 'sqlite_%'`.execute(
              k,
            )
          ).rows
        : (
            await sql<{
              table: string;
              column: string;
            }>`select table_name as "table", column_name as "column" from information_schema.columns where table_schema = 'public'`.execute(
              k,
            )
          ).rows;
    expect(columns.length).toBeGreaterThan(20);
    const hits: string[] = [];
    for (const { table, column } of columns) {
      const { rows } = await sql<{
        n: number;
      }>`select count(*) as n from ${sql.table(table)} where lower(cast(${sql.ref(column)} as text)) like ${`%${needle}%`}`.execute(
        k,
      );
      if (Number(rows[0].n)) hits.push(`${table}.${column}`);
    }
    return hits;
  }

  it('returns every lead of the address, ignoring case, with jobs, attempts, audit and idempotency keys', async () => {
    const res = await admin(h, '/subjects?email=ERIKA.M%40beispiel.de');
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const data = await body<{
      email: string;
      leads: {
        lead: { id: string };
        jobs: { attemptLog: unknown[] }[];
        audit: { action: string }[];
        idempotencyKeys: unknown[];
      }[];
    }>(res);
    expect(SubjectExportSchema.safeParse(data).success).toBe(true);
    expect(data.leads.map((l) => l.lead.id)).toEqual([first, second]);
    expect(data.leads[0]).toMatchObject({
      attribution: { utm_source: 'erika-newsletter' },
      jobs: [{ attemptLog: [{ ok: false, error: '550 <erika.m@beispiel.de> unknown' }] }],
      audit: [{ action: 'status' }, { action: 'note' }],
    });
    expect(data.leads[0].idempotencyKeys).toHaveLength(1);
  });

  it('answers an unknown address with an empty list and a missing one with 422', async () => {
    expect(await body(await admin(h, '/subjects?email=niemand%40beispiel.de'))).toEqual({
      email: 'niemand@beispiel.de',
      leads: [],
    });
    expect((await admin(h, '/subjects')).status).toBe(422);
  });

  it("erases the address from every table and keeps other people's leads", async () => {
    expect((await cellsMentioning('erika.m@beispiel.de')).length).toBeGreaterThan(0);
    const res = await admin(h, '/subjects?email=erika.m%40beispiel.de', { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ erased: { leads: 2 } });
    expect(await cellsMentioning('erika.m@beispiel.de')).toEqual([]);
    expect(await cellsMentioning('mustermann')).toEqual([]);
    for (const id of [first, second]) expect(await cellsMentioning(id)).toEqual([]);
    expect((await admin(h, `/leads/${bystander}`)).status).toBe(200);
    expect(await body(await admin(h, '/subjects?email=erika.m%40beispiel.de'))).toMatchObject({ leads: [] });
  });
});
