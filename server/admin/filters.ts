import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import { ERROR_CODES, fail } from '../errors.ts';
import type { LeadFilters } from './schemas.ts';

type LeadEb = ExpressionBuilder<Database, 'leads'>;
const folded = new WeakSet<object>();

/**
 * SQLite's lower() and LIKE fold ASCII only; a JS-backed function makes "MÜLLER" find "Müller" as PostgreSQL's lower()
 * does.
 */
export function foldSql(db: Db, value: Expression<unknown>) {
  if (!db.sqlite) return sql<string>`lower(${value})`;
  if (!folded.has(db.sqlite)) {
    db.sqlite.function('bl_fold', { deterministic: true }, (v: unknown) =>
      typeof v === 'string' ? v.toLowerCase() : v,
    );
    folded.add(db.sqlite);
  }
  return sql<string>`bl_fold(${value})`;
}

/** A LIKE pattern for "contains", with the visitor's own % _ and \ matched literally. */
export const containsPattern = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString();
const isDay = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);

/** The WHERE of the list, the export and the stats: every filter the admin set, ANDed. */
export function filterWhere(db: Db, f: LeadFilters) {
  return (eb: LeadEb): Expression<SqlBool> => {
    const all: Expression<SqlBool>[] = [];
    if (f.status) all.push(eb('status', '=', f.status));
    if (f.topic) all.push(eb('topic', '=', f.topic));
    if (f.from)
      all.push(eb('created_at', '>=', isDay(f.from) ? `${f.from}T00:00:00.000Z` : new Date(f.from).toISOString()));
    if (f.to)
      all.push(
        isDay(f.to) ? eb('created_at', '<', nextDay(f.to)) : eb('created_at', '<=', new Date(f.to).toISOString()),
      );
    if (f.q) {
      const pattern = containsPattern(f.q);
      const like = (col: 'name' | 'email' | 'company' | 'message') =>
        sql<SqlBool>`${foldSql(db, eb.ref(col))} like ${pattern} escape '\\'`;
      all.push(eb.or([like('name'), like('email'), like('company'), like('message')]));
    }
    return eb.and(all);
  };
}

export interface Cursor {
  createdAt: string;
  id: string;
}

/** Opaque to clients; a position in (created_at, id) order, so inserts between pages shift nothing. */
export const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');

export function decodeCursor(text: string): Cursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'string' && typeof id === 'string') return { createdAt, id };
  } catch {
    // answered below
  }
  throw fail(
    400,
    'The cursor is not valid; pass nextCursor from the previous page unchanged.',
    ERROR_CODES.INVALID_CURSOR,
  );
}

/** Rows strictly after the cursor in newest-first order. */
export const afterCursor = (c: Cursor) => (eb: LeadEb) =>
  eb.or([eb('created_at', '<', c.createdAt), eb.and([eb('created_at', '=', c.createdAt), eb('id', '<', c.id)])]);
