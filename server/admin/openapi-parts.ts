import { z } from 'zod';

export type Json = Record<string, unknown>;
type Responses = Record<number, Json>;

/** A zod schema as JSON Schema: the document is generated from the schemas that validate, so it cannot drift. */
export function schema(s: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

/** The query parameters of a strict zod object, one per key. */
export function queryParams(s: z.ZodObject): Json[] {
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

export const ErrorSchema = z
  .looseObject({
    error: z.string().describe('A stable machine code, e.g. not_found, token_in_url, idempotency_conflict.'),
    message: z.string().optional().describe('What went wrong and what to do, in English.'),
    code: z.string().optional().describe('The cause of a 503, e.g. E_DB_MIGRATING.'),
  })
  .describe('Every error answer but field validation.');

export const ValidationErrorSchema = z
  .looseObject({
    error: z.literal('validation'),
    issues: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })),
  })
  .describe('Field issues: path (dotted), code from the lead spec, message in the lead locale.');

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });

export const json = (s: z.ZodType | string, description: string, headers?: Json): Json => ({
  description,
  ...(headers ? { headers } : {}),
  content: {
    'application/json': { schema: typeof s === 'string' ? ref('schemas', s) : schema(s, 'output') },
  },
});

/** A body that is not JSON, under one or more media types. */
export const body = (types: string[], description: string, headers?: Json): Json => ({
  description,
  ...(headers ? { headers } : {}),
  content: Object.fromEntries(types.map((t) => [t, { schema: { type: 'string' } }])),
});

export const err = (description: string, headers?: Json) => json('Error', description, headers);
const retryAfter = { 'Retry-After': ref('headers', 'RetryAfter') };
export const tooMany = (description: string) => err(description, retryAfter);
export const unauthorized = (description: string) =>
  err(description, { 'WWW-Authenticate': ref('headers', 'WwwAuthenticate') });
export const tokenInUrl = 'A token parameter in the URL (token, access_token, api_key, ...): token_in_url.';

/** 503 as the start gate answers it (every route but /healthz), plus what the route itself adds. */
export const unavailable = (extra?: string) =>
  err(
    `The server is starting and still migrating (code E_DB_MIGRATING), or its database is unavailable; retry after Retry-After.${extra ? ` ${extra}` : ''}`,
    retryAfter,
  );

/** Adds answers to an operation's own; where both have a status, the descriptions are joined. */
export function withAnswers(own: Responses, added: Responses): Responses {
  const out: Responses = { ...added, ...own };
  for (const [status, extra] of Object.entries(added)) {
    const mine = own[Number(status)];
    if (mine) out[Number(status)] = { ...mine, description: `${mine.description} ${extra.description}` };
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => Number(a) - Number(b)));
}

export const components: Json = {
  securitySchemes: {
    bearerAuth: {
      type: 'http',
      scheme: 'bearer',
      description: 'ADMIN_TOKEN; only in the Authorization header, never in the URL.',
    },
    metricsAuth: {
      type: 'http',
      scheme: 'bearer',
      description: 'METRICS_TOKEN, or ADMIN_TOKEN; only in the Authorization header, never in the URL.',
    },
  },
  headers: {
    RetryAfter: { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 } },
    WwwAuthenticate: {
      description: 'A Bearer challenge with the realm, and error="invalid_token" for a malformed or wrong token.',
      required: true,
      schema: { type: 'string' },
    },
  },
  schemas: {
    Error: schema(ErrorSchema, 'output'),
    ValidationError: schema(ValidationErrorSchema, 'output'),
  },
};
