import { Hono } from 'hono';
import { SOURCE_KEYS } from '../../shared/lead-spec.ts';
import type { AppDeps } from '../deps.ts';
import { parseSource } from '../store/leads.ts';
import { BOM, csvRow } from './csv.ts';
import { afterCursor, type Cursor, filterWhere } from './filters.ts';
import { mailSummaries, toAdminLead } from './lead-queries.ts';
import { ExportQuerySchema } from './schemas.ts';
import { parseQuery } from './validate.ts';

const BATCH = 200;
export const CSV_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'status',
  'name',
  'email',
  'company',
  'phone',
  'topic',
  'message',
  'locale',
  'consent',
  'consent_version',
  'marketing',
  'note',
  'assignee',
  'mail_state',
  ...SOURCE_KEYS,
] as const;

export function exportRoutes(deps: AppDeps) {
  const app = new Hono();
  const db = deps.db.kysely;

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
        let query = db.selectFrom('leads').selectAll().where(filterWhere(deps.db, filters));
        if (cursor) query = query.where(afterCursor(cursor));
        let rows: Awaited<ReturnType<typeof query.execute>>;
        let mail: Awaited<ReturnType<typeof mailSummaries>>;
        try {
          rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(BATCH).execute();
          mail = await mailSummaries(
            db,
            rows.map((r) => r.id),
          );
        } catch (err) {
          deps.logger.error({ err }, 'lead export broke off');
          throw err;
        }
        let chunk = '';
        for (const r of rows) {
          const state = mail.get(r.id)?.state ?? '';
          const attribution = parseSource(r.source);
          if (format === 'csv') {
            chunk += csvRow(
              [
                r.id,
                r.created_at,
                r.updated_at,
                r.status,
                r.name,
                r.email,
                r.company,
                r.phone,
                r.topic,
                r.message,
                r.locale,
                Number(r.consent),
                r.consent_version,
                Number(r.marketing),
                r.note,
                r.assignee,
                state,
                ...SOURCE_KEYS.map((k) => attribution?.[k]),
              ],
              sep,
            );
          } else {
            const lead = {
              ...toAdminLead(r),
              consent: Boolean(Number(r.consent)),
              consentVersion: r.consent_version,
              attribution,
              mailState: state || null,
            };
            chunk += `${JSON.stringify(lead)}\n`;
          }
        }
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
