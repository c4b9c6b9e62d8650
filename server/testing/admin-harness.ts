import { randomUUID } from 'node:crypto';
import type { LeadStatus } from '../../shared/api-types.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import { insertLead, type NewLead } from '../store/leads.ts';
import { type Harness, makeHarness } from './app-harness.ts';
import type { DialectName } from './databases.ts';

export const TOKEN = 'test-admin-token-0123456789abcdef-XYZ';

/** A harness with the admin API on. */
export const adminHarness = (dialect: DialectName, env: Record<string, string> = {}) =>
  makeHarness(dialect, { ADMIN_TOKEN: TOKEN, ...env });

/** A request to /api/admin with the bearer token. */
export function admin(h: Harness, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('Authorization')) headers.set('Authorization', `Bearer ${TOKEN}`);
  if (typeof init.body === 'string' && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  return Promise.resolve(h.app.request(`/api/admin${path}`, { ...init, headers }));
}

let n = 0;
/**
 * Stores a lead through the real store (lead, mail job and idempotency row in one transaction); the clock moves 1 s
 * first.
 */
export async function seedLead(h: Harness, lead: Partial<NewLead> & { status?: LeadStatus } = {}): Promise<string> {
  h.advance(1000);
  n++;
  const { id } = await insertLead(
    h.deps.db,
    h.deps.clock,
    { name: `Person ${n}`, email: `person${n}@example.de`, message: `Anfrage Nummer ${n}`, locale: 'de', ...lead },
    [{ kind: JOB_KINDS.notification }],
    { key: `seed-${randomUUID()}`, bodyHash: 'x'.repeat(64) },
  );
  return id;
}

export async function body<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
