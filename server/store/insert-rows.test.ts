import { type KyselyPlugin, sql } from 'kysely';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { uuidv7 } from '../ids.ts';
import { freshDb, type TestDb } from '../testing/databases.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { insertRows } from './insert-rows.ts';

const job = (target: string, extra: { attempts?: number } = {}) => ({
  id: uuidv7(),
  lead_id: uuidv7(),
  kind: 'mail.notification',
  target,
  state: 'pending',
  ...extra,
  next_attempt_at: `2026-12-04T10:00:0${target.length % 10}.000Z`,
  lease_until: null,
  last_error: target.includes('error') ? `failed: ${target}` : null,
  created_at: '2026-12-04T10:00:00.000Z',
  updated_at: '2026-12-04T10:00:00.000Z',
  sent_at: null,
});

describeEachDb('insertRows', (dialect) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(dialect);
  });
  afterAll(() => t.drop());

  const stored = (targets: string[]) =>
    t.db.kysely.selectFrom('jobs').selectAll().where('target', 'in', targets).orderBy('target').execute();

  it('stores every value in its own column, also when a shape compiled before is reused', async () => {
    const rounds = [
      [job('a-first'), job('b-error')],
      [job('c-ü, "quoted"'), job("d-it's an error")],
    ];
    for (const rows of rounds) {
      await insertRows(t.db.kysely, 'jobs', rows);
      const back = await stored(rows.map((r) => r.target));
      expect(back).toEqual(rows.map((r) => ({ ...r, attempts: 0 })));
    }
  });

  it('stores a column only one of the rows gives, also after the shape of the first row was compiled', async () => {
    const noError = (target: string) => {
      const { last_error, ...row } = job(target);
      return row;
    };
    await insertRows(t.db.kysely, 'jobs', [noError('e-none'), noError('f-none')]);
    const mixed = [noError('g-none'), { ...job('h-given'), last_error: 'given' }];
    await insertRows(t.db.kysely, 'jobs', mixed);
    const back = await stored(['e-none', 'f-none', 'g-none', 'h-given']);
    expect(back.map((r) => [r.target, r.last_error])).toEqual([
      ['e-none', null],
      ['f-none', null],
      ['g-none', null],
      ['h-given', 'given'],
    ]);
  });

  it('gives a column left undefined its default, as Kysely does, after the full shape was compiled', async () => {
    await insertRows(t.db.kysely, 'jobs', [job('k-full', { attempts: 3 })]);
    await insertRows(t.db.kysely, 'jobs', [job('l-undefined', { attempts: undefined })]);
    const back = await stored(['k-full', 'l-undefined']);
    expect(back.map((r) => [r.target, r.attempts])).toEqual([
      ['k-full', 3],
      ['l-undefined', 0],
    ]);
  });

  it('builds a row holding an SQL expression every time, since its SQL is not the same shape', async () => {
    for (const name of ['m-expr', 'n-expr'])
      await insertRows(t.db.kysely, 'jobs', [{ ...job(name), target: sql<string>`upper(${name})` }]);
    expect((await stored(['M-EXPR', 'N-EXPR'])).map((r) => r.target)).toEqual(['M-EXPR', 'N-EXPR']);
  });

  it('inserts nothing for no rows, where Kysely would throw', async () => {
    const before = await t.db.kysely.selectFrom('jobs').select('id').execute();
    await insertRows(t.db.kysely, 'jobs', []);
    expect(await t.db.kysely.selectFrom('jobs').select('id').execute()).toHaveLength(before.length);
  });

  it('builds and compiles a shape once, not on every insert', async () => {
    const build = vi.spyOn(t.db.kysely, 'insertInto');
    const rows = () => [job('i-1'), job('i-2'), job('i-3')];
    for (let i = 0; i < 3; i++) await insertRows(t.db.kysely, 'jobs', rows());
    expect(build).toHaveBeenCalledTimes(1);
    build.mockRestore();
  });

  it('builds every insert through the plugins of a Kysely that has some', async () => {
    let seen = 0;
    const counting: KyselyPlugin = {
      transformQuery: (args) => {
        if (args.node.kind === 'InsertQueryNode') seen++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const kysely = t.db.kysely.withPlugin(counting);
    const rows = () => [job('j-1'), job('j-2'), job('j-3')];
    for (let i = 0; i < 3; i++) await insertRows(kysely, 'jobs', rows());
    expect(seen).toBe(3);
    expect(await t.db.kysely.selectFrom('jobs').where('target', 'like', 'j-%').select('id').execute()).toHaveLength(9);
  });
});
