import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { inspectRoutes } from 'hono/dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_NAMES, LEAD_FIELDS, SOURCE_KEYS, SOURCE_MAX } from '../../shared/lead-spec.ts';
import { adminHarness } from '../testing/admin-harness.ts';
import type { Harness } from '../testing/app-harness.ts';
import { openApiDocument } from './openapi.ts';

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; required?: string[] };
type Operation = {
  operationId?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }>; headers?: Record<string, unknown> }>;
};
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; components: Record<string, never> };

const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, op })),
  );

describe('GET /api/openapi.json', () => {
  let h: Harness;
  let doc: Doc;
  beforeAll(async () => {
    h = await adminHarness('sqlite');
    const res = await h.app.request('/api/openapi.json');
    expect(res.status).toBe(200);
    doc = (await res.json()) as Doc;
  });
  afterAll(() => h.close());

  it('is a valid OpenAPI 3.1 document by @apidevtools/swagger-parser, served without a token', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('holds only schemas a strict JSON Schema 2020-12 validator compiles, patterns included', async () => {
    const ajv = new Ajv2020({ strict: true, validateFormats: false });
    const deref = (await SwaggerParser.dereference(structuredClone(doc) as never)) as unknown as Doc;
    const schemas: [string, Schema][] = [];
    for (const { key, op } of operations(deref)) {
      for (const p of op.parameters ?? []) schemas.push([`${key} ${p.name}`, p.schema]);
      for (const [type, c] of Object.entries(op.requestBody?.content ?? {}))
        schemas.push([`${key} body ${type}`, c.schema]);
      for (const [status, r] of Object.entries(op.responses))
        for (const [type, c] of Object.entries(r.content ?? {})) schemas.push([`${key} ${status} ${type}`, c.schema]);
    }
    expect(schemas.length).toBeGreaterThan(60);
    for (const [where, s] of schemas) expect(() => ajv.compile(s), where).not.toThrow();
  });

  it('documents every route the app serves, and serves every route it documents', () => {
    const served = inspectRoutes(h.app)
      .filter((r) => !r.isMiddleware)
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(served).toContain('GET /api/leads/challenge');
    expect(new Set(operations(doc).map((o) => o.key))).toEqual(new Set(served));
  });

  it('gives every operation a unique operationId, and the public ones security: []', () => {
    const ids = operations(doc).map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { key, path, op } of operations(doc)) {
      const expected = path.startsWith('/api/admin')
        ? [{ bearerAuth: [] }]
        : path === '/metrics'
          ? [{ metricsAuth: [] }]
          : [];
      expect(op.security, key).toEqual(expected);
    }
  });

  it('documents 401 with WWW-Authenticate and 429 with Retry-After wherever a token is taken', () => {
    for (const { key, path, op } of operations(doc).filter(
      (o) => o.path.startsWith('/api/admin') || o.path === '/metrics',
    )) {
      expect(Object.keys(op.responses), key).toEqual(expect.arrayContaining(['400', '401', '404', '429', '503']));
      expect(op.responses['401'].headers, key).toHaveProperty('WWW-Authenticate');
      expect(op.responses['429'].headers, key).toHaveProperty('Retry-After');
      expect(path).not.toContain(':');
    }
  });

  it('documents the 422 answers the fuzzer found: subjects without email, resend with an unknown parameter', () => {
    for (const method of ['get', 'delete']) {
      const op = doc.paths['/api/admin/subjects'][method];
      expect(op.parameters?.find((p) => p.name === 'email')).toMatchObject({ in: 'query', required: true });
      expect(op.responses['422']).toBeDefined();
    }
    expect(doc.paths['/api/admin/leads/{id}/resend'].post.responses['422']).toBeDefined();
    expect(doc.paths['/api/admin/leads/{id}/resend'].post.responses['409']).toBeDefined();
  });

  it('describes the lead body with the lengths and formats of shared/lead-spec.ts', () => {
    const schema = doc.paths['/api/leads'].post.requestBody!.content['application/json'].schema;
    expect(schema.required).toEqual(['name', 'email', 'message']);
    expect(schema.additionalProperties).toBe(false);
    for (const field of FIELD_NAMES) {
      expect(schema.properties![field], field).toMatchObject({ type: 'string', maxLength: LEAD_FIELDS[field].max });
      expect(schema.properties![field].pattern ?? schema.properties![field].format, field).toBeDefined();
    }
    expect(schema.properties!.email).toMatchObject({ format: 'idn-email', minLength: 1 });
    expect(schema.properties!.locale.enum).toEqual(['de', 'en']);
    for (const key of SOURCE_KEYS)
      expect(schema.properties!.source.properties![key], key).toMatchObject({ maxLength: SOURCE_MAX });
  });

  it('documents the list filters with their limits and the PATCH body as a closed, non-empty object', () => {
    const params = Object.fromEntries(doc.paths['/api/admin/leads'].get.parameters!.map((p) => [p.name, p]));
    expect(Object.keys(params).sort()).toEqual(['cursor', 'from', 'limit', 'q', 'status', 'to', 'topic']);
    expect(params.limit).toMatchObject({
      in: 'query',
      required: false,
      schema: { maximum: 200, minimum: 1, default: 50 },
    });
    expect(params.status.schema.enum).toContain('spam');
    const patch = doc.paths['/api/admin/leads/{id}'].patch.requestBody!.content['application/json'].schema;
    expect(patch).toMatchObject({
      additionalProperties: false,
      minProperties: 1,
      properties: { status: { enum: expect.arrayContaining(['won']) } },
    });
  });

  it('is built once per server URL', () => {
    expect(openApiDocument('https://a.example')).toBe(openApiDocument('https://a.example'));
  });
});
