import { CompiledQuery, type InsertObject, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

type Table = keyof Database;
type Row<T extends Table> = InsertObject<Database, T>;

// Per dialect adapter (one per Kysely instance), then per table, column list and row count: that insert's SQL.
const compiled = new WeakMap<object, Map<string, string>>();
// The callers' shapes are a handful; a caller with ever new row counts must not grow the map without end.
const MAX_SHAPES = 64;

const flatten = (rows: Record<string, unknown>[], columns: string[]) =>
  rows.flatMap((row) => columns.map((column) => row[column]));

// Kysely leaves undefined out and takes the union of all rows' columns: such rows never use a compiled shape.
const uniform = (rows: Record<string, unknown>[], columns: string[], values: unknown[]) =>
  !values.includes(undefined) && rows.every((row) => Object.keys(row).length === columns.length);

const sameValues = (a: readonly unknown[], b: unknown[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * `insertInto(table).values(rows)` with every row giving the same columns, built and compiled by Kysely once per shape:
 * building the lead's and its jobs' inserts took about a tenth of the request thread's CPU per stored lead. A shape is
 * only reused after its first compile showed its parameters are the rows' values in column order.
 */
export async function insertRows<T extends Table>(trx: Kysely<Database>, table: T, rows: Row<T>[]): Promise<void> {
  if (!rows.length) return;
  const plain = rows as Record<string, unknown>[];
  const columns = Object.keys(plain[0]);
  const values = flatten(plain, columns);
  const shapes = uniform(plain, columns, values) ? shapesOf(trx) : undefined;
  const key = `${table} ${rows.length} ${columns.join(',')}`;
  const text = shapes?.get(key);
  if (text !== undefined) {
    await trx.executeQuery(CompiledQuery.raw(text, values));
    return;
  }
  const first = trx.insertInto(table).values(rows).compile();
  if (shapes && shapes.size < MAX_SHAPES && sameValues(first.parameters, values)) shapes.set(key, first.sql);
  await trx.executeQuery(first);
}

// A plugin may rewrite each query it sees: with plugins, every insert is built through them.
function shapesOf(trx: Kysely<Database>): Map<string, string> | undefined {
  const executor = trx.getExecutor();
  if (executor.plugins.length) return undefined;
  let shapes = compiled.get(executor.adapter);
  if (!shapes) {
    shapes = new Map();
    compiled.set(executor.adapter, shapes);
  }
  return shapes;
}
