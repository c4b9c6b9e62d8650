import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshSqlite, type TestDb } from '../testing/databases.ts';
import { inTransaction } from './group-commit.ts';

describe('group commit on SQLite', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshSqlite();
  });
  afterAll(() => t.drop());

  const row = (id: string) => ({ id, lead_id: id, at: '2026-11-28T10:00:00.000Z', action: 'test', detail: null });

  it('commits concurrent writes together and rolls back only the one that failed', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        inTransaction(t.db, async (conn) => {
          await conn
            .insertInto('audit_log')
            .values(row(`gc-${i}`))
            .execute();
          if (i === 5) throw new Error('item 5 fails after its insert');
          return i;
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(19);
    expect(outcomes[5]).toMatchObject({ status: 'rejected', reason: { message: 'item 5 fails after its insert' } });
    const ids = (await t.db.kysely.selectFrom('audit_log').select('id').where('id', 'like', 'gc-%').execute()).map(
      (r) => r.id,
    );
    expect(ids).toHaveLength(19);
    expect(ids).not.toContain('gc-5');
  });

  it('keeps working after a failed batch', async () => {
    await expect(
      inTransaction(t.db, async (conn) => conn.insertInto('audit_log').values(row('gc-1')).execute()),
    ).rejects.toThrow(/UNIQUE/);
    await inTransaction(t.db, async (conn) => conn.insertInto('audit_log').values(row('gc-after')).execute());
    expect(
      await t.db.kysely.selectFrom('audit_log').select('id').where('id', '=', 'gc-after').executeTakeFirst(),
    ).toEqual({ id: 'gc-after' });
  });

  it('keeps synchronous=FULL for the next leads when a bookkeeping batch cannot even begin', async () => {
    const other = new Database(t.url.replace(/^sqlite:/, ''));
    other.exec('begin exclusive');
    const relaxed = inTransaction(t.db, async (conn) => conn.insertInto('audit_log').values(row('gc-busy')).execute(), {
      durable: false,
    });
    await expect(relaxed).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) });
    other.exec('rollback');
    other.close();
    const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(t.db.kysely);
    expect(rows[0].synchronous).toBe(2);
  });
});
