import { z } from 'zod';
import type { ChallengeResponse, LeadCreated } from '../../shared/api-types.ts';
import { LeadInputSchema } from '../leads/lead-schema.ts';
import { consentPaths } from './openapi-consent.ts';
import {
  body,
  err,
  type Json,
  json,
  schema,
  tokenInUrl,
  tooMany,
  unauthorized,
  unavailable,
  withAnswers,
} from './openapi-parts.ts';

const LeadCreatedSchema = z.object({ id: z.string() }) satisfies z.ZodType<LeadCreated>;
const ChallengeSchema = z.object({
  challenge: z.string().describe('Send it back as "challenge" with the lead.'),
  wait: z.number().int().min(0).describe('Milliseconds before a lead with this challenge counts as a person.'),
  pow: z
    .object({
      algorithm: z.literal('SHA-256'),
      challenge: z.string(),
      salt: z.string(),
      maxnumber: z.number().int(),
      signature: z.string(),
    })
    .optional()
    .describe('Only with SPAM_POW=on: an ALTCHA v1 puzzle.'),
}) satisfies z.ZodType<ChallengeResponse>;
// Loose: a health answer may name more about its cause.
const HealthSchema = z.looseObject({
  status: z.enum(['ok', 'starting', 'unavailable']),
  database: z.string().describe('sqlite or postgres; migrating while the start runs migrations.'),
  code: z.string().optional().describe('Why not ok, from the error table (E_DB_MIGRATING, E_DB_UNAVAILABLE).'),
});

type Op = Json & { operationId: string; responses: Record<number, Json> };

/** Public: no authentication, and the start gate's 503. */
function open(tag: string, op: Op, gated = true): Json {
  return {
    tags: [tag],
    security: [],
    ...op,
    responses: withAnswers(op.responses, gated ? { 503: unavailable() } : {}),
  };
}

const page = (operationId: string, summary: string, type: string) => ({
  get: open('demo', { operationId, summary, responses: { 200: body([type], 'The page.') } }),
});

export const publicPaths: Json = {
  '/api/leads': {
    post: open('public', {
      operationId: 'createLead',
      summary: 'Submit an inquiry',
      parameters: [
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'The same key with the same lead answers the first answer again; with another lead, 422.',
          schema: { type: 'string', pattern: '^[\\x21-\\x7e]{8,200}$' },
        },
      ],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: schema(LeadInputSchema, 'input') } },
      },
      responses: {
        201: json(LeadCreatedSchema, 'Stored with its jobs (a lead caught as spam too); the notification is queued.', {
          'Idempotent-Replayed': {
            description: 'true when this is the answer to an earlier request with the same Idempotency-Key.',
            schema: { type: 'string', enum: ['true'] },
          },
        }),
        400: err('The body is not JSON (invalid_json), or the Idempotency-Key is malformed.'),
        403: err('The Origin is not in ALLOWED_ORIGINS (origin_not_allowed).'),
        413: err('The body is over 32 KB.'),
        415: err('Not Content-Type: application/json.'),
        422: {
          description:
            'Field issues (validation), or an Idempotency-Key reused with another lead (idempotency_conflict).',
          content: {
            'application/json': {
              schema: {
                anyOf: [{ $ref: '#/components/schemas/ValidationError' }, { $ref: '#/components/schemas/Error' }],
              },
            },
          },
        },
        429: tooMany('More than RATE_LIMIT_PER_MINUTE or RATE_LIMIT_PER_DAY posts from this client.'),
      },
    }),
  },
  '/api/leads/challenge': {
    get: open('public', {
      operationId: 'getChallenge',
      summary: 'A signed timestamp (and a proof-of-work puzzle with SPAM_POW=on) to send with the lead; never cached',
      responses: { 200: json(ChallengeSchema, 'A fresh challenge.') },
    }),
  },
  '/healthz': {
    get: open(
      'operations',
      {
        operationId: 'getHealth',
        summary: 'Readiness: the database answers and migrations are done',
        responses: {
          200: json(HealthSchema, 'Ready.'),
          503: json(HealthSchema, 'Starting (migrations run) or the database is unavailable.'),
        },
      },
      false,
    ),
  },
  '/metrics': {
    get: open('operations', {
      operationId: 'getMetrics',
      summary: 'Prometheus metrics',
      security: [{ metricsAuth: [] }],
      responses: {
        200: body(['text/plain'], 'The Prometheus text format, version 0.0.4.'),
        400: err(tokenInUrl),
        401: unauthorized('Missing, malformed or wrong bearer token.'),
        404: err('Metrics are off: neither METRICS_TOKEN nor ADMIN_TOKEN is set.'),
        429: tooMany('ADMIN_AUTH_FAILURES_PER_HOUR failed sign-ins from this client, here and on /api/admin.'),
      },
    }),
  },
  '/widget.js': {
    get: open('public', {
      operationId: 'getWidget',
      summary: 'The built widget, brotli or gzip as accepted, cacheable and loadable from any site',
      parameters: [{ name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } }],
      responses: {
        200: body(['text/javascript'], 'The widget.', { ETag: { schema: { type: 'string' } } }),
        304: { description: 'Unchanged since the ETag in If-None-Match.' },
        503: err('The widget is not built yet (E_WIDGET_NOT_BUILT; run npm run build).'),
      },
    }),
  },
  '/api/openapi.json': {
    get: open('public', {
      operationId: 'getOpenApiDocument',
      summary: 'This document',
      responses: {
        200: { description: 'OpenAPI 3.1.', content: { 'application/json': { schema: { type: 'object' } } } },
      },
    }),
  },
  '/': page('getDemoPage', 'The demo page, which embeds the widget as a customer site would', 'text/html'),
  '/datenschutz': page('getDemoPrivacyPage', "The demo page's privacy notice", 'text/html'),
  '/demo.css': page('getDemoStylesheet', "The demo page's stylesheet", 'text/css'),
  ...consentPaths,
};
