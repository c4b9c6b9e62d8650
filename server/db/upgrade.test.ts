import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { silentLogger } from '../logger.ts';
import { createEmlTransport } from '../mail/eml-transport.ts';
import { startOutbox } from '../start-outbox.ts';
import { type DialectName, freshPostgres } from '../testing/databases.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { connect, type Db } from './connect.ts';
import { migrate } from './migrate.ts';

const T0 = '2025-03-01T09:00:00.000Z';

/** An empty database of either kind, not yet migrated. */
async function emptyDb(dialect: DialectName): Promise<{ db: Db; drop(): Promise<void> }> {
  if (dialect === 'postgres') return freshPostgres({ migrate: false });
  const dir = mkdtempSync(join(tmpdir(), 'bl-upgrade-'));
  const db = connect(`sqlite:${join(dir, 'leads.db')}`);
  return {
    db,
    drop: async () => {
      await db.kysely.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function indexNames(db: Db): Promise<string[]> {
  const q =
    db.dialect === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'index' and name not like 'sqlite_%'`
      : sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = 'public'`;
  return (await q.execute(db.kysely)).rows.map((r) => r.name);
}

describeEachDb('upgrading a database made by the first schema version', (dialect) => {
  let target: { db: Db; drop(): Promise<void> };
  afterEach(() => target.drop());

  it('keeps every row written under 0001-initial, adds the later tables and indexes, and mails the old pending job', async () => {
    target = await emptyDb(dialect);
    const { db } = target;
    await migrate(db, '0001-initial');
    const before = (await db.kysely.introspection.getTables()).map((t) => t.name);
    expect(before).toContain('leads');
    expect(before).not.toContain('spam_replay');

    // Rows as the first release wrote them, through raw SQL: the current Kysely types must not shape them.
    const k = db.kysely;
    await sql`insert into leads (id, created_at, updated_at, status, name, email, company, message, locale, consent, marketing, source)
      values ('0195a000-0000-7000-8000-000000000001', ${T0}, ${T0}, 'new', 'Alte Kundin', 'alt@example.de', 'Altbau GmbH', 'Aus Version eins.', 'de', 1, 0, '{"utm_source":"alt"}'),
             ('0195a000-0000-7000-8000-000000000002', ${T0}, ${T0}, 'won', 'Old Client', 'old@example.com', null, 'From version one.', 'en', 0, 1, null)`.execute(
      k,
    );
    await sql`insert into idempotency_keys (key, lead_id, body_hash, created_at) values ('old-key-0001', '0195a000-0000-7000-8000-000000000001', ${'0'.repeat(64)}, ${T0})`.execute(
      k,
    );
    await sql`insert into jobs (id, lead_id, kind, target, state, attempts, next_attempt_at, created_at, updated_at)
      values ('0195a000-0000-7000-8000-0000000000j1', '0195a000-0000-7000-8000-000000000001', 'mail.notification', null, 'pending', 0, ${T0}, ${T0}, ${T0}),
             ('0195a000-0000-7000-8000-0000000000j2', '0195a000-0000-7000-8000-000000000002', 'mail.notification', null, 'sent', 1, ${T0}, ${T0}, ${T0})`.execute(
      k,
    );
    await sql`insert into job_attempts (id, job_id, lead_id, at, ok) values ('0195a000-0000-7000-8000-0000000000a1', '0195a000-0000-7000-8000-0000000000j2', '0195a000-0000-7000-8000-000000000002', ${T0}, 1)`.execute(
      k,
    );
    await sql`insert into audit_log (id, lead_id, at, action, detail) values ('0195a000-0000-7000-8000-0000000000l1', '0195a000-0000-7000-8000-000000000002', ${T0}, 'status', 'new->won')`.execute(
      k,
    );

    await migrate(db);

    const applied = (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(k)).rows.map(
      (r) => r.name,
    );
    expect(applied).toEqual(expect.arrayContaining(['0001-initial', '0002-outbox', '0004-spam', '0005-ops']));
    expect((await k.introspection.getTables()).map((t) => t.name)).toEqual(
      expect.arrayContaining(['spam_replay', 'app_secrets']),
    );
    expect(await indexNames(db)).toEqual(
      expect.arrayContaining([
        'job_attempts_ok_at_idx',
        'spam_replay_expires_idx',
        'jobs_kind_target_created_idx',
        'leads_created_idx',
      ]),
    );

    const leads = await k
      .selectFrom('leads')
      .select(['id', 'name', 'email', 'company', 'message', 'status', 'source'])
      .orderBy('id')
      .execute();
    expect(leads).toEqual([
      {
        id: '0195a000-0000-7000-8000-000000000001',
        name: 'Alte Kundin',
        email: 'alt@example.de',
        company: 'Altbau GmbH',
        message: 'Aus Version eins.',
        status: 'new',
        source: '{"utm_source":"alt"}',
      },
      {
        id: '0195a000-0000-7000-8000-000000000002',
        name: 'Old Client',
        email: 'old@example.com',
        company: null,
        message: 'From version one.',
        status: 'won',
        source: null,
      },
    ]);
    expect(await k.selectFrom('idempotency_keys').select('key').execute()).toEqual([{ key: 'old-key-0001' }]);
    expect(await k.selectFrom('job_attempts').select('ok').execute()).toEqual([{ ok: 1 }]);
    expect(await k.selectFrom('audit_log').select('detail').execute()).toEqual([{ detail: 'new->won' }]);

    // The upgraded server picks the old pending notification up and mails it.
    const config = loadConfig({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'bl-upgrade-data-')),
      SALES_INBOX: 'vertrieb@beratung.example',
    });
    const transport = createEmlTransport(config.mailDir);
    const outbox = startOutbox({
      config,
      db,
      clock: () => new Date('2026-11-28T10:00:00.000Z'),
      logger: silentLogger,
      transport,
    });
    expect(await outbox.drainOnce()).toBe(1);
    await outbox.stop();
    expect(await k.selectFrom('jobs').select(['id', 'state']).orderBy('id').execute()).toEqual([
      { id: '0195a000-0000-7000-8000-0000000000j1', state: 'sent' },
      { id: '0195a000-0000-7000-8000-0000000000j2', state: 'sent' },
    ]);

    // Running the migrations again, or asking for an older version, changes nothing: they are forward-only (no down()).
    await migrate(db);
    await migrate(db, '0001-initial');
    expect(
      (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(k)).rows.map((r) => r.name),
    ).toEqual(applied);
    expect(await indexNames(db)).toContain('jobs_kind_target_created_idx');
  });
});
