import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedLead, TOKEN } from '../testing/admin-harness.ts';
import { type Harness, makeHarness } from '../testing/app-harness.ts';

type Response_ = { content?: Record<string, { schema: object }>; headers?: Record<string, { required?: boolean }> };
type Doc = { paths: Record<string, Record<string, { operationId: string; responses: Record<string, Response_> }>> };
interface Probe {
  op: string;
  status: number;
  send: () => Promise<Response>;
}

const LEAD = { name: 'Anna Beispiel', email: 'anna@example.de', message: 'Bitte um Rückruf.' };
const WRONG = 'Bearer wrong-token-but-long-enough-00000000';

// Every answer below is a real one from the app; each must be documented for its operation, with a body that
// validates against the documented schema, and every documented status must be met by at least one answer.
describe('the API document against real answers', () => {
  let on: Harness;
  let off: Harness;
  let doc: Doc;
  const probes: Probe[] = [];
  let client = 0;

  beforeAll(async () => {
    const widget = join(mkdtempSync(join(tmpdir(), 'bl-widget-')), 'widget.js');
    writeFileSync(widget, 'console.log("widget")');
    const env = { ADMIN_AUTH_FAILURES_PER_HOUR: '2', RATE_LIMIT_PER_MINUTE: '2' };
    on = await makeHarness('sqlite', { ADMIN_TOKEN: TOKEN, ...env }, { widgetFile: widget });
    off = await makeHarness(
      'sqlite',
      {},
      { widgetFile: join(tmpdir(), 'no-such-dir', 'widget.js'), isReady: () => false },
    );
    const res = await on.app.request('/api/openapi.json');
    doc = (await SwaggerParser.dereference((await res.json()) as never)) as unknown as Doc;
  });
  afterAll(async () => {
    await on.close();
    await off.close();
  });

  /** A request from its own client address unless one is given, so limits only bite where a probe wants them. */
  const send =
    (
      h: () => Harness,
      method: string,
      path: string,
      init: { headers?: Record<string, string>; body?: string } = {},
      from?: string,
    ) =>
    () => {
      const headers = new Headers(init.headers);
      if (init.body !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
      const remoteAddress = from ?? `198.51.100.${++client}`;
      return Promise.resolve(
        h().app.request(path, { method, headers, body: init.body }, { incoming: { socket: { remoteAddress } } }),
      );
    };
  const A = () => on;
  const B = () => off;
  const bearer = { Authorization: `Bearer ${TOKEN}` };
  const probe = (op: string, status: number, s: () => Promise<Response>) => probes.push({ op, status, send: s });

  it('answers every probe with a documented status, body and headers, and every documented status is met', async () => {
    const lead = await seedLead(on);
    const gone = await seedLead(on);
    const dead = await seedLead(on);
    await on.deps.db.kysely.updateTable('jobs').set({ state: 'dead' }).where('lead_id', '=', dead).execute();
    const post = (body: unknown, headers: Record<string, string> = {}, from?: string) =>
      send(A, 'POST', '/api/leads', { body: typeof body === 'string' ? body : JSON.stringify(body), headers }, from);

    probe('createLead', 201, post(LEAD, { 'Idempotency-Key': 'probe-key-0001' }));
    probe('createLead', 201, post(LEAD, { 'Idempotency-Key': 'probe-key-0001' }));
    probe('createLead', 400, post('{"name":'));
    probe('createLead', 400, post(LEAD, { 'Idempotency-Key': 'short' }));
    probe('createLead', 403, post(LEAD, { Origin: 'https://evil.example' }));
    probe('createLead', 413, post({ ...LEAD, message: 'x'.repeat(33 * 1024) }));
    probe('createLead', 415, post(JSON.stringify(LEAD), { 'Content-Type': 'text/plain' }));
    probe('createLead', 422, post({ ...LEAD, name: '', extra: 1 }));
    probe('createLead', 422, post({ ...LEAD, name: 'Other' }, { 'Idempotency-Key': 'probe-key-0001' }));
    for (const status of [201, 201, 429]) probe('createLead', status, post(LEAD, {}, '203.0.113.200'));
    probe('getChallenge', 200, send(A, 'GET', '/api/leads/challenge'));
    probe('getHealth', 200, send(A, 'GET', '/healthz'));
    probe('getHealth', 503, send(B, 'GET', '/healthz'));
    probe('getMetrics', 200, send(A, 'GET', '/metrics', { headers: bearer }));
    probe('getMetrics', 400, send(A, 'GET', '/metrics?access_token=x', { headers: bearer }));
    probe('getMetrics', 401, send(A, 'GET', '/metrics', { headers: { Authorization: 'Basic abc' } }));
    probe('getMetrics', 404, send(B, 'GET', '/metrics', { headers: bearer }));
    for (const status of [401, 401, 429])
      probe('getMetrics', status, send(A, 'GET', '/metrics', { headers: { Authorization: WRONG } }, '203.0.113.201'));
    probe('getWidget', 200, send(A, 'GET', '/widget.js'));
    probe('getWidget', 304, async () => {
      const etag = (await on.app.request('/widget.js')).headers.get('ETag') ?? '';
      return on.app.request('/widget.js', { headers: { 'If-None-Match': etag } });
    });
    probe('getWidget', 503, send(B, 'GET', '/widget.js'));
    probe('getOpenApiDocument', 200, send(A, 'GET', '/api/openapi.json'));
    probe('getDemoPage', 200, send(A, 'GET', '/'));
    probe('getDemoPrivacyPage', 200, send(A, 'GET', '/datenschutz'));
    probe('getDemoStylesheet', 200, send(A, 'GET', '/demo.css'));

    // Each admin operation: its own answers, then what the guard answers in front of it.
    const admin = (
      op: string,
      status: number,
      method: string,
      path: string,
      init: { body?: string; headers?: Record<string, string> } = {},
    ) => probe(op, status, send(A, method, `/api/admin${path}`, { ...init, headers: { ...bearer, ...init.headers } }));
    const patch = (body: string, headers?: Record<string, string>) => ({ body, headers });
    admin('listLeads', 200, 'GET', '/leads?status=new&limit=2');
    admin('listLeads', 400, 'GET', '/leads?cursor=not-a-cursor');
    admin('listLeads', 422, 'GET', '/leads?limit=0');
    admin('exportLeads', 200, 'GET', '/leads/export?format=csv&delimiter=semicolon');
    admin('exportLeads', 200, 'GET', '/leads/export?format=ndjson');
    admin('exportLeads', 422, 'GET', '/leads/export?format=xml');
    admin('getLead', 200, 'GET', `/leads/${lead}`);
    admin('getLead', 404, 'GET', '/leads/no-such-lead');
    admin('updateLead', 200, 'PATCH', `/leads/${lead}`, patch('{"status":"contacted","note":null}'));
    admin('updateLead', 400, 'PATCH', `/leads/${lead}`, patch('{"status":'));
    admin('updateLead', 404, 'PATCH', '/leads/no-such-lead', patch('{"status":"won"}'));
    admin('updateLead', 413, 'PATCH', `/leads/${lead}`, patch(JSON.stringify({ note: 'x'.repeat(17 * 1024) })));
    admin('updateLead', 415, 'PATCH', `/leads/${lead}`, patch('{"status":"won"}', { 'Content-Type': 'text/plain' }));
    admin('updateLead', 422, 'PATCH', `/leads/${lead}`, patch('{}'));
    admin('updateLead', 422, 'PATCH', `/leads/${lead}`, patch('{"colour":"red"}'));
    admin('resendLead', 202, 'POST', `/leads/${dead}/resend`);
    admin('resendLead', 404, 'POST', '/leads/no-such-lead/resend');
    admin('resendLead', 404, 'POST', `/leads/${lead}/resend?job=no-such-job`);
    admin('resendLead', 409, 'POST', `/leads/${lead}/resend`);
    admin('resendLead', 409, 'POST', `/leads/${lead}/resend?kind=webhook`);
    admin('resendLead', 422, 'POST', `/leads/${lead}/resend?foo=1`);
    admin('resendLead', 422, 'POST', `/leads/${lead}/resend?kind=sms`);
    admin('getStats', 200, 'GET', '/stats');
    admin('getSubject', 200, 'GET', '/subjects?email=Person1@example.de');
    admin('getSubject', 422, 'GET', '/subjects');
    admin('getSubject', 422, 'GET', '/subjects?email=a@b.de&x=1');
    admin('eraseSubject', 422, 'DELETE', '/subjects');
    admin('eraseSubject', 200, 'DELETE', '/subjects?email=nobody@example.de');
    admin('eraseLead', 200, 'DELETE', `/leads/${gone}`);
    admin('eraseLead', 404, 'DELETE', `/leads/${gone}`);
    const sample: [string, string, string, boolean][] = [
      ['listLeads', 'GET', '/leads', false],
      ['exportLeads', 'GET', '/leads/export', false],
      ['getLead', 'GET', `/leads/${lead}`, false],
      ['updateLead', 'PATCH', `/leads/${lead}`, true],
      ['eraseLead', 'DELETE', '/leads/no-such-lead', true],
      ['resendLead', 'POST', `/leads/${lead}/resend`, true],
      ['getStats', 'GET', '/stats', false],
      ['getSubject', 'GET', '/subjects?email=a@b.de', false],
      ['eraseSubject', 'DELETE', '/subjects?email=a@b.de', true],
    ];
    for (const [op, method, path, changes] of sample) {
      const body = method === 'PATCH' ? '{"status":"won"}' : undefined;
      const url = `/api/admin${path}`;
      const join = path.includes('?') ? '&' : '?';
      probe(op, 400, send(A, method, `${url}${join}token=x`, { headers: bearer, body }));
      probe(op, 401, send(A, method, url, { body }));
      probe(op, 404, send(B, method, url, { headers: bearer, body }));
      const from = `203.0.113.${10 + probes.length}`;
      for (const status of [401, 401, 429])
        probe(
          op,
          status,
          send(A, method, url, { headers: status === 429 ? bearer : { Authorization: WRONG }, body }, from),
        );
      if (changes)
        probe(op, 403, send(A, method, url, { headers: { ...bearer, Origin: 'https://evil.example' }, body }));
    }

    const ops = new Map(
      Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.values(methods).map((o) => [o.operationId, { path, o }] as const),
      ),
    );
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const met = new Set<string>();
    for (const { op, status, send: run } of probes) {
      const label = `${op} ${status}`;
      const res = await run();
      expect(res.status, `${label}: ${res.status === status ? '' : await res.clone().text()}`).toBe(status);
      const documented = ops.get(op)?.o.responses[String(status)];
      expect(documented, `${label} is not documented`).toBeDefined();
      met.add(label);
      for (const [name, header] of Object.entries(documented!.headers ?? {}))
        if (header.required || name === 'Retry-After') expect(res.headers.get(name), `${label} ${name}`).toBeTruthy();
      const content = documented!.content;
      if (!content) {
        expect(await res.text(), label).toBe('');
        continue;
      }
      const type = (res.headers.get('Content-Type') ?? '').split(';')[0].trim();
      expect(Object.keys(content), `${label} answered ${type}`).toContain(type);
      if (type === 'application/json') {
        const validate = ajv.compile(content[type].schema);
        const body = await res.json();
        expect(
          validate(body),
          `${label} ${JSON.stringify(validate.errors)} ${JSON.stringify(body).slice(0, 300)}`,
        ).toBe(true);
      }
    }

    // 503 is the start gate of server/main.ts (and a database outage), which an in-process app does not answer.
    const unmet = [...ops].flatMap(([id, { path, o }]) =>
      Object.keys(o.responses)
        .map((status) => `${id} ${status}`)
        .filter(
          (label) => !met.has(label) && !(label.endsWith(' 503') && path !== '/healthz' && path !== '/widget.js'),
        ),
    );
    expect(unmet).toEqual([]);
  });
});
