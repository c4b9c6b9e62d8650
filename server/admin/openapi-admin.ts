import { z } from 'zod';
import { ResendQuerySchema } from '../webhooks/resend.ts';
import {
  body,
  err,
  type Json,
  json,
  queryParams,
  schema,
  tokenInUrl,
  tooMany,
  unauthorized,
  unavailable,
  withAnswers,
} from './openapi-parts.ts';
import {
  AdminLeadSchema,
  ErasedSchema,
  ExportQuerySchema,
  LeadDetailSchema,
  LeadListSchema,
  LeadPatchSchema,
  ListQuerySchema,
  StatsSchema,
  SubjectExportSchema,
  SubjectQuerySchema,
} from './schemas.ts';

type Op = Json & { operationId: string; responses: Record<number, Json> };

const ADMIN_OFF = 'The admin API is off (no ADMIN_TOKEN).';
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const validation = (description: string) => json('ValidationError', description);

/** What the guard in front of every admin route answers; a request that changes data may also meet the origin check. */
function admin(op: Op, changes = false): Json {
  const guard: Record<number, Json> = {
    400: err(tokenInUrl),
    401: unauthorized('Missing, malformed or wrong bearer token.'),
    404: err(ADMIN_OFF),
    429: tooMany('ADMIN_AUTH_FAILURES_PER_HOUR failed sign-ins from this client, here and on /metrics.'),
    503: unavailable(),
  };
  if (changes) guard[403] = err('A foreign Origin that is not in ALLOWED_ORIGINS (origin_not_allowed).');
  return { tags: ['admin'], security: [{ bearerAuth: [] }], ...op, responses: withAnswers(op.responses, guard) };
}

const noLead = err('No lead with this id.');
const jsonBody = {
  400: err('The body is not JSON (invalid_json).'),
  413: err('The body is over 16 KB.'),
  415: err('Not Content-Type: application/json.'),
};

export const adminComponents: Json = { AdminLead: schema(AdminLeadSchema, 'output') };

export const adminPaths: Json = {
  '/api/admin/leads': {
    get: admin({
      operationId: 'listLeads',
      summary: 'List leads, newest first',
      parameters: queryParams(ListQuerySchema),
      responses: {
        200: json(LeadListSchema, 'One page.'),
        400: err('The cursor is not one this server handed out (invalid_cursor).'),
        422: validation('A bad, unknown or repeated query parameter.'),
      },
    }),
  },
  '/api/admin/leads/export': {
    get: admin({
      operationId: 'exportLeads',
      summary: 'Export leads as CSV (UTF-8 with BOM, formula-safe) or NDJSON',
      parameters: queryParams(ExportQuerySchema),
      responses: {
        200: body(['text/csv', 'application/x-ndjson'], 'A streamed attachment named leads-<date>.csv or .ndjson.', {
          'Content-Disposition': { schema: { type: 'string' } },
        }),
        422: validation('A bad, unknown or repeated query parameter.'),
      },
    }),
  },
  '/api/admin/leads/{id}': {
    get: admin({
      operationId: 'getLead',
      summary: 'One lead with attribution, consent, mail and webhook jobs with their attempts, and audit trail',
      parameters: [idParam],
      responses: { 200: json(LeadDetailSchema, 'The lead.'), 404: noLead },
    }),
    patch: admin(
      {
        operationId: 'updateLead',
        summary: 'Change status, note or assignee (audited without personal data)',
        parameters: [idParam],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: schema(LeadPatchSchema, 'input') } },
        },
        responses: {
          200: json('AdminLead', 'The updated lead.'),
          ...jsonBody,
          404: noLead,
          422: validation('A bad or unknown field, or an empty object.'),
        },
      },
      true,
    ),
    delete: admin(
      {
        operationId: 'eraseLead',
        summary: 'Erase the lead and everything derived from it',
        parameters: [idParam],
        responses: { 200: json(ErasedSchema, 'Erased.'), 404: noLead },
      },
      true,
    ),
  },
  '/api/admin/leads/{id}/resend': {
    post: admin(
      {
        operationId: 'resendLead',
        summary: 'Queue the notification mail again, or webhook deliveries (kind=webhook) or one job (job=<id>)',
        parameters: [idParam, ...queryParams(ResendQuerySchema)],
        responses: {
          202: json(z.object({ queued: z.boolean() }), 'Queued.'),
          404: err('No lead with this id, or the lead has no job with this id.'),
          409: err(
            'A send is pending or in progress (mail_in_progress, delivery_in_progress), or there is no dead webhook delivery to resend (nothing_to_resend).',
          ),
          422: validation('A bad, unknown or repeated query parameter.'),
        },
      },
      true,
    ),
  },
  '/api/admin/stats': {
    get: admin({
      operationId: 'getStats',
      summary: 'Counts by status, by day (30 days, UTC) and of pending and dead mails',
      responses: { 200: json(StatsSchema, 'Counts.') },
    }),
  },
  '/api/admin/subjects': {
    get: admin({
      operationId: 'getSubject',
      summary: 'DSGVO Art. 15: everything stored about an email address',
      parameters: queryParams(SubjectQuerySchema),
      responses: {
        200: json(SubjectExportSchema, 'All records.'),
        422: validation('No email, or a bad, unknown or repeated query parameter.'),
      },
    }),
    delete: admin(
      {
        operationId: 'eraseSubject',
        summary: 'DSGVO Art. 17: erase everything stored about an email address',
        parameters: queryParams(SubjectQuerySchema),
        responses: {
          200: json(ErasedSchema, 'Erased.'),
          422: validation('No email, or a bad, unknown or repeated query parameter.'),
        },
      },
      true,
    ),
  },
};
