import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHarness } from '../testing/admin-harness.ts';
import type { Harness } from '../testing/app-harness.ts';

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        security?: unknown[];
        parameters?: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
        requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
      }
    >
  >;
  components: { securitySchemes: Record<string, unknown> };
};

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

  it('is an OpenAPI 3.1 document served without a token', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('describes the public lead body from the zod schema: required fields, closed object, locales', () => {
    const schema = doc.paths['/api/leads'].post.requestBody!.content['application/json'].schema as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { enum?: string[] }>;
    };
    expect(schema.required).toEqual(['name', 'email', 'message']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.locale.enum).toEqual(['de', 'en']);
    expect(doc.paths['/healthz'].get).toBeDefined();
  });

  it('lists every admin route behind the bearer scheme and the public ones without it', () => {
    const admin = Object.entries(doc.paths).filter(([p]) => p.startsWith('/api/admin'));
    expect(admin.map(([p]) => p).sort()).toEqual([
      '/api/admin/leads',
      '/api/admin/leads/export',
      '/api/admin/leads/{id}',
      '/api/admin/leads/{id}/resend',
      '/api/admin/stats',
      '/api/admin/subjects',
    ]);
    for (const [path, ops] of admin)
      for (const [method, op] of Object.entries(ops))
        expect(op.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/leads'].post.security).toBeUndefined();
  });

  it('documents the list filters with their limits and the PATCH body as a closed object', () => {
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
      properties: { status: { enum: expect.arrayContaining(['won']) } },
    });
  });
});
