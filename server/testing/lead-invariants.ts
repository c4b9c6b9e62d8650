import { expect } from 'vitest';
import {
  CONSENT_VERSION_MAX,
  checkField,
  checkSource,
  cleanText,
  codePoints,
  FIELD_NAMES,
  type SourceKey,
} from '../../shared/lead-spec.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import type { Harness } from './app-harness.ts';

export const countLeads = async (h: Harness) =>
  Number(
    (
      await h.testDb.db.kysely
        .selectFrom('leads')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/**
 * The endpoint's promise under any input: never a 5xx; a 2xx iff the lead row exists and, unless it is spam,
 * its mail job; every stored row passes the spec; a refusal stores nothing.
 */
export async function expectInvariants(h: Harness, res: Response, before: number, label: string): Promise<void> {
  expect(res.status, label).toBeLessThan(500);
  if (res.status !== 201) {
    expect(res.status, label).toBeGreaterThanOrEqual(400);
    expect(await countLeads(h), label).toBe(before);
    return;
  }
  const { id } = (await res.json()) as { id: string };
  const k = h.testDb.db.kysely;
  const row = await k.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirst();
  expect(row, label).toBeDefined();
  const jobs = await k.selectFrom('jobs').select(['kind']).where('lead_id', '=', id).execute();
  if (row!.status === 'spam') expect(jobs, label).toEqual([]);
  else
    expect(
      jobs.filter((j) => j.kind === JOB_KINDS.notification),
      label,
    ).toHaveLength(1);
  for (const field of FIELD_NAMES) {
    expect(
      checkField(field, (row![field] as string | null) ?? ''),
      `${label}: ${field}=${JSON.stringify(row![field])}`,
    ).toBeUndefined();
  }
  if (row!.consent_version !== null) {
    expect(cleanText(row!.consent_version) && codePoints(row!.consent_version) <= CONSENT_VERSION_MAX, label).toBe(
      true,
    );
  }
  for (const [key, value] of Object.entries(row!.source ? (JSON.parse(row!.source) as Record<string, string>) : {})) {
    expect(checkSource(key as SourceKey, value), `${label}: source.${key}`).toBeUndefined();
  }
}
