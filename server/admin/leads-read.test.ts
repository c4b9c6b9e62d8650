import { afterAll, beforeAll, expect, it } from 'vitest';
import { iso } from '../clock.ts';
import { uuidv7 } from '../ids.ts';
import { admin, adminHarness, body, seedLead } from '../testing/admin-harness.ts';
import type { Harness } from '../testing/app-harness.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { LeadDetailSchema, LeadListSchema } from './schemas.ts';

type Page = {
  items: { id: string; name: string; status: string; mail: { state: string } | null }[];
  nextCursor: string | null;
};

describeEachDb('admin lead list and detail', (dialect) => {
  let h: Harness;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    h = await adminHarness(dialect);
    ids.mueller = await seedLead(h, {
      name: 'Jürgen Müller',
      email: 'j.mueller@firma.de',
      company: 'MÜLLER & Söhne GmbH',
      topic: 'KI-Strategie',
      message: 'Rechnungen auslesen',
    });
    ids.percent = await seedLead(h, {
      name: 'Rabatt Rita',
      email: 'rita@shop.de',
      message: 'Gibt es 100% Rabatt_aktion?',
      status: 'contacted',
    });
    ids.spam = await seedLead(h, { name: 'Casino', email: 'win@spam.example', message: 'Buy now', status: 'spam' });
    h.advance(3 * 86_400_000);
    ids.later = await seedLead(h, {
      name: 'Später Sabine',
      email: 'Sabine@Example.DE',
      topic: 'KI-Strategie',
      message: 'Workshop',
      status: 'won',
    });
  });
  afterAll(() => h.close());

  const list = async (query: string) => {
    const res = await admin(h, `/leads${query}`);
    expect(res.status, query).toBe(200);
    return body<Page>(res);
  };
  const names = async (query: string) => (await list(query)).items.map((i) => i.name);

  it("lists newest first with each lead's mail state, in the documented shape", async () => {
    const page = await list('');
    expect(page.items.map((i) => i.name)).toEqual(['Später Sabine', 'Casino', 'Rabatt Rita', 'Jürgen Müller']);
    expect(page.items[0].mail).toEqual({ state: 'pending', attempts: 0, lastError: null });
    expect(page.nextCursor).toBeNull();
    expect(LeadListSchema.safeParse(page).success).toBe(true);
  });

  it('filters by status and by topic', async () => {
    expect(await names('?status=spam')).toEqual(['Casino']);
    expect(await names('?topic=KI-Strategie')).toEqual(['Später Sabine', 'Jürgen Müller']);
    expect(await names('?status=won&topic=KI-Strategie')).toEqual(['Später Sabine']);
  });

  it('filters by created day (whole UTC days) and by instant', async () => {
    const first = await h.deps.db.kysely
      .selectFrom('leads')
      .select('created_at')
      .where('id', '=', ids.mueller)
      .executeTakeFirstOrThrow();
    const day = first.created_at.slice(0, 10);
    expect(await names(`?from=${day}&to=${day}`)).toEqual(['Casino', 'Rabatt Rita', 'Jürgen Müller']);
    expect(
      await names(`?from=${encodeURIComponent(new Date(Date.parse(first.created_at) + 1).toISOString())}&to=${day}`),
    ).toEqual(['Casino', 'Rabatt Rita']);
    expect(await names(`?to=${encodeURIComponent(first.created_at)}`)).toEqual(['Jürgen Müller']);
  });

  it('finds free text case-insensitively in name, email, company and message, umlauts included', async () => {
    expect(await names('?q=müller')).toEqual(['Jürgen Müller']);
    expect(await names('?q=MÜLLER%20%26%20SÖHNE')).toEqual(['Jürgen Müller']);
    expect(await names('?q=sabine%40example.de')).toEqual(['Später Sabine']);
    expect(await names('?q=WORKSHOP')).toEqual(['Später Sabine']);
  });

  it('matches % and _ literally, not as wildcards', async () => {
    expect(await names('?q=100%25')).toEqual(['Rabatt Rita']);
    expect(await names('?q=%25')).toEqual(['Rabatt Rita']);
    expect(await names('?q=t_a')).toEqual(['Rabatt Rita']);
    expect(await names('?q=M_ller')).toEqual([]);
    expect(await names('?q=%5C')).toEqual([]);
  });

  it('refuses bad filters with 422 in the validation shape', async () => {
    for (const q of [
      '?status=maybe',
      '?limit=201',
      '?limit=0',
      '?from=gestern',
      '?stauts=new',
      '?status=new&status=won',
    ]) {
      const res = await admin(h, `/leads${q}`);
      expect(res.status, q).toBe(422);
      expect(await res.json()).toMatchObject({
        error: 'validation',
        issues: [expect.objectContaining({ path: expect.any(String) })],
      });
    }
  });

  it('answers a forged cursor with 400', async () => {
    const res = await admin(h, '/leads?cursor=bm9wZQ');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_cursor' });
  });

  it('returns one lead with attribution, consent record and mail jobs with their attempts', async () => {
    const id = await seedLead(h, {
      name: 'Detail Dora',
      email: 'dora@example.de',
      consent: true,
      consentVersion: '2026-05',
      source: { utm_source: 'newsletter', url: 'https://www.kunde.de/x' },
    });
    const job = await h.deps.db.kysely
      .selectFrom('jobs')
      .select('id')
      .where('lead_id', '=', id)
      .executeTakeFirstOrThrow();
    // The outbox worker's outcome, written as it would: a temporary failure, then death.
    await h.deps.db.kysely
      .insertInto('job_attempts')
      .values({ id: uuidv7(), job_id: job.id, lead_id: id, at: iso(h.deps.clock), ok: 0, error: '421 try later' })
      .execute();
    await h.deps.db.kysely
      .updateTable('jobs')
      .set({ state: 'dead', attempts: 1, last_error: '421 try later' })
      .where('id', '=', job.id)
      .execute();
    const res = await admin(h, `/leads/${id}`);
    expect(res.status).toBe(200);
    const detail = await body(res);
    expect(LeadDetailSchema.safeParse(detail).success).toBe(true);
    expect(detail).toMatchObject({
      lead: { id, name: 'Detail Dora', email: 'dora@example.de', status: 'new' },
      attribution: { utm_source: 'newsletter', url: 'https://www.kunde.de/x' },
      consent: { consent: true, version: '2026-05', at: expect.any(String) },
      jobs: [
        {
          kind: 'mail.notification',
          state: 'dead',
          attempts: 1,
          lastError: '421 try later',
          attemptLog: [{ ok: false, error: '421 try later' }],
        },
      ],
      audit: [],
    });
    await h.deps.db.kysely.deleteFrom('job_attempts').where('lead_id', '=', id).execute();
    await h.deps.db.kysely.deleteFrom('jobs').where('lead_id', '=', id).execute();
    await h.deps.db.kysely.deleteFrom('idempotency_keys').where('lead_id', '=', id).execute();
    await h.deps.db.kysely.deleteFrom('leads').where('id', '=', id).execute();
  });

  it('answers 404 for an unknown id', async () => {
    const res = await admin(h, `/leads/${uuidv7()}`);
    expect(res.status).toBe(404);
  });
});

describeEachDb('admin lead pagination', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await adminHarness(dialect);
  });
  afterAll(() => h.close());

  it('walks every lead once, with no duplicate and no gap, while new leads arrive between pages', async () => {
    const before: string[] = [];
    for (let i = 0; i < 23; i++) before.push(await seedLead(h));
    // Same-millisecond twins: the id breaks the tie in the cursor.
    h.advance(1);
    before.push(...(await Promise.all([1, 2, 3].map(() => seedLead(h)))));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await admin(h, `/leads?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      const page = await body<Page>(res);
      expect(page.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      await seedLead(h);
      pages++;
    } while (cursor && pages < 50);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => before.includes(id)).sort()).toEqual([...before].sort());
    const newestFirst = [...seen].sort().reverse();
    expect(seen).toEqual(newestFirst);
  });
});
