import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';
import { BOM, csvRow } from './csv.ts';
import { CSV_COLUMNS, csvLine, ndjsonLine } from './export-rows.ts';
import { afterCursor, type Cursor, filterWhere } from './filters.ts';
import { mailSummaries } from './lead-queries.ts';
import { ExportQuerySchema, type LeadFilters } from './schemas.ts';
import { parseQuery } from './validate.ts';

const BATCH = 200;

/** The next batch of leads after the cursor, newest first, with their notification states. */
async function readBatch(deps: AppDeps, filters: LeadFilters, cursor: Cursor | undefined) {
  const db = deps.db.kysely;
  let query = db.selectFrom('leads').selectAll().where(filterWhere(deps.db, filters));
  if (cursor) query = query.where(afterCursor(cursor));
  try {
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(BATCH).execute();
    const mail = await mailSummaries(
      db,
      rows.map((r) => r.id),
    );
    return { rows, state: (id: string) => mail.get(id)?.state ?? '' };
  } catch (err) {
    deps.logger.error({ err }, 'lead export broke off');
    throw err;
  }
}

export function exportRoutes(deps: AppDeps) {
  const app = new Hono();

  app.get('/leads/export', (c) => {
    const { format, delimiter, ...filters } = parseQuery(ExportQuerySchema, c.req.queries());
    const sep = delimiter === 'semicolon' ? ';' : ',';
    const encoder = new TextEncoder();
    let cursor: Cursor | undefined;
    let started = false;
    let done = false;

    // A pull stream reads one batch per pull, so memory stays flat and a slow client slows the reads. A failing read
    // errors the stream and breaks the download, where a closed stream would hand over a silently truncated file.
    const body = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (!started) {
          started = true;
          if (format === 'csv') return controller.enqueue(encoder.encode(BOM + csvRow(CSV_COLUMNS, sep)));
        }
        if (done) return controller.close();
        const { rows, state } = await readBatch(deps, filters, cursor);
        const chunk = rows
          .map((r) => (format === 'csv' ? csvLine(r, state(r.id), sep) : ndjsonLine(r, state(r.id))))
          .join('');
        const last = rows.at(-1);
        if (last) cursor = { createdAt: last.created_at, id: last.id };
        if (rows.length < BATCH) done = true;
        if (chunk) controller.enqueue(encoder.encode(chunk));
        else controller.close();
      },
    });

    const date = deps.clock().toISOString().slice(0, 10);
    const [type, ext] =
      format === 'csv'
        ? ['text/csv; charset=utf-8; header=present', 'csv']
        : ['application/x-ndjson; charset=utf-8', 'ndjson'];
    c.header('Content-Type', type);
    c.header('Content-Disposition', `attachment; filename="leads-${date}.${ext}"`);
    return c.body(body);
  });

  return app;
}
