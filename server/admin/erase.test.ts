import { afterAll, beforeAll, expect, it } from 'vitest';
import { iso } from '../clock.ts';
import { uuidv7 } from '../ids.ts';
import { admin, adminHarness, seedLead } from '../testing/admin-harness.ts';
import type { Harness } from '../testing/app-harness.ts';
import { describeEachDb } from '../testing/each-db.ts';

describeEachDb('admin DELETE lead', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await adminHarness(dialect);
  });
  afterAll(() => h.close());

  const rowsFor = async (id: string) => {
    const k = h.deps.db.kysely;
    const count = async (q: { executeTakeFirstOrThrow(): Promise<{ n: unknown }> }) =>
      Number((await q.executeTakeFirstOrThrow()).n);
    return {
      leads: await count(
        k
          .selectFrom('leads')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('id', '=', id),
      ),
      jobs: await count(
        k
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('lead_id', '=', id),
      ),
      attempts: await count(
        k
          .selectFrom('job_attempts')
          .innerJoin('jobs', 'jobs.id', 'job_attempts.job_id')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('jobs.lead_id', '=', id),
      ),
      orphanAttempts: await count(
        k
          .selectFrom('job_attempts')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('lead_id', '=', id),
      ),
      idempotency: await count(
        k
          .selectFrom('idempotency_keys')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('lead_id', '=', id),
      ),
      audit: await count(
        k
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('lead_id', '=', id),
      ),
    };
  };

  it('erases the lead with its jobs, attempts, idempotency key and audit trail, and leaves other leads alone', async () => {
    const id = await seedLead(h);
    const other = await seedLead(h);
    const job = await h.deps.db.kysely
      .selectFrom('jobs')
      .select('id')
      .where('lead_id', '=', id)
      .executeTakeFirstOrThrow();
    await h.deps.db.kysely
      .insertInto('job_attempts')
      .values({ id: uuidv7(), job_id: job.id, lead_id: id, at: iso(h.deps.clock), ok: 0, error: 'timeout' })
      .execute();
    // An attempt row without lead_id must go too: it hangs off the job.
    await h.deps.db.kysely
      .insertInto('job_attempts')
      .values({ id: uuidv7(), job_id: job.id, lead_id: null, at: iso(h.deps.clock), ok: 0, error: 'timeout' })
      .execute();
    expect((await admin(h, `/leads/${id}`, { method: 'PATCH', body: JSON.stringify({ status: 'lost' }) })).status).toBe(
      200,
    );
    const before = await rowsFor(id);
    expect(before).toEqual({ leads: 1, jobs: 1, attempts: 2, orphanAttempts: 1, idempotency: 1, audit: 1 });

    const res = await admin(h, `/leads/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ erased: { leads: 1, rows: 6 } });
    expect(await rowsFor(id)).toEqual({ leads: 0, jobs: 0, attempts: 0, orphanAttempts: 0, idempotency: 0, audit: 0 });
    expect(
      await h.deps.db.kysely.selectFrom('job_attempts').select('id').where('job_id', '=', job.id).execute(),
    ).toEqual([]);
    expect((await rowsFor(other)).leads).toBe(1);
    expect((await rowsFor(other)).jobs).toBe(1);
  });

  it('answers 404 for an id that is gone', async () => {
    const id = await seedLead(h);
    expect((await admin(h, `/leads/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await admin(h, `/leads/${id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await admin(h, `/leads/${id}`)).status).toBe(404);
  });
});
