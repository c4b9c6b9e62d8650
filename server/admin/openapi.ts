import { z } from 'zod';
import { LeadInputSchema } from '../leads/lead-schema.ts';
import { ResendQuerySchema } from '../webhooks/resend.ts';
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

type Json = Record<string, unknown>;

const ErrorSchema = z.object({ error: z.string(), message: z.string().optional() });
const ValidationErrorSchema = z.object({
  error: z.literal('validation'),
  issues: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })),
});

// Generated from the zod schemas that validate the requests, so the document cannot drift from the code.
function schema(s: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

function queryParams(s: z.ZodObject): Json[] {
  const json = schema(s, 'input') as { properties: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return {
      name,
      in: 'query',
      required: json.required?.includes(name) ?? false,
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

const json = (s: z.ZodType | string, description: string) => ({
  description,
  content: {
    'application/json': { schema: typeof s === 'string' ? { $ref: `#/components/schemas/${s}` } : schema(s, 'output') },
  },
});
const err = (description: string) => json('Error', description);
const admin = (op: Json): Json => ({
  tags: ['admin'],
  security: [{ bearerAuth: [] }],
  ...op,
  responses: {
    ...(op.responses as Json),
    401: err('Missing or wrong bearer token.'),
    404: err('No such lead, or the admin API is off (no ADMIN_TOKEN).'),
  },
});
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

const built = new Map<string, Json>();

/** The document, built once per server URL: the schemas do not change while the process runs. */
export function openApiDocument(serverUrl?: string): Json {
  let doc = built.get(serverUrl ?? '');
  if (!doc) {
    doc = buildDocument(serverUrl);
    built.set(serverUrl ?? '', doc);
  }
  return doc;
}

function buildDocument(serverUrl?: string): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Beraten lassen',
      version: '0.1.0',
      description: "Lead capture: the public form endpoint and the sales team's admin API.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'ADMIN_TOKEN; only in the Authorization header, never in the URL.',
        },
      },
      schemas: {
        Error: schema(ErrorSchema, 'output'),
        ValidationError: schema(ValidationErrorSchema, 'output'),
        AdminLead: schema(AdminLeadSchema, 'output'),
      },
    },
    paths: {
      '/api/leads': {
        post: {
          tags: ['public'],
          summary: 'Submit an inquiry',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', minLength: 8, maxLength: 200 },
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schema(LeadInputSchema, 'input') } },
          },
          responses: {
            201: json(z.object({ id: z.string() }), 'Stored; the notification mail is queued.'),
            400: err('The body is not JSON.'),
            403: err('Origin not allowed.'),
            413: err('Body too large.'),
            415: err('Not application/json.'),
            422: json('ValidationError', 'Field issues, or an Idempotency-Key reused with another body.'),
            429: err('Too many requests.'),
          },
        },
      },
      '/healthz': {
        get: {
          tags: ['public'],
          summary: 'Liveness and database check',
          responses: {
            200: json(z.object({ status: z.string(), database: z.string() }), 'Ready.'),
            503: json(z.object({ status: z.string() }), 'Starting or database down.'),
          },
        },
      },
      '/api/admin/leads': {
        get: admin({
          summary: 'List leads, newest first',
          parameters: queryParams(ListQuerySchema),
          responses: {
            200: json(LeadListSchema, 'One page.'),
            400: err('Bad cursor.'),
            422: json('ValidationError', 'Bad filter.'),
          },
        }),
      },
      '/api/admin/leads/export': {
        get: admin({
          summary: 'Export leads as CSV (UTF-8 with BOM, formula-safe) or NDJSON',
          parameters: queryParams(ExportQuerySchema),
          responses: {
            200: {
              description: 'A streamed attachment.',
              content: {
                'text/csv': { schema: { type: 'string' } },
                'application/x-ndjson': { schema: { type: 'string' } },
              },
            },
            422: json('ValidationError', 'Bad filter.'),
          },
        }),
      },
      '/api/admin/leads/{id}': {
        get: admin({
          summary: 'One lead with attribution, consent, mail jobs and audit trail',
          parameters: [idParam],
          responses: { 200: json(LeadDetailSchema, 'The lead.') },
        }),
        patch: admin({
          summary: 'Change status, note or assignee (audited without personal data)',
          parameters: [idParam],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schema(LeadPatchSchema, 'input') } },
          },
          responses: {
            200: json('AdminLead', 'The updated lead.'),
            422: json('ValidationError', 'Bad or unknown field.'),
          },
        }),
        delete: admin({
          summary: 'Erase the lead and everything derived from it',
          parameters: [idParam],
          responses: { 200: json(ErasedSchema, 'Erased.') },
        }),
      },
      '/api/admin/leads/{id}/resend': {
        post: admin({
          summary: 'Queue the notification mail again, or webhook deliveries (kind=webhook) or one job (job=<id>)',
          parameters: [idParam, ...queryParams(ResendQuerySchema)],
          responses: {
            202: json(z.object({ queued: z.boolean() }), 'Queued.'),
            409: err('A send is pending or in progress.'),
          },
        }),
      },
      '/api/admin/stats': {
        get: admin({
          summary: 'Counts by status, by day (30 days, UTC) and of pending and dead mails',
          responses: { 200: json(StatsSchema, 'Counts.') },
        }),
      },
      '/api/admin/subjects': {
        get: admin({
          summary: 'DSGVO Art. 15: everything stored about an email address',
          parameters: queryParams(SubjectQuerySchema),
          responses: { 200: json(SubjectExportSchema, 'All records.') },
        }),
        delete: admin({
          summary: 'DSGVO Art. 17: erase everything stored about an email address',
          parameters: queryParams(SubjectQuerySchema),
          responses: { 200: json(ErasedSchema, 'Erased.') },
        }),
      },
    },
  };
}
