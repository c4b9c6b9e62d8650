import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Dialect } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import { buildConfirmation } from '../mail/confirmation.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import { type NewJob, recentJobExists } from '../store/jobs.ts';
import { classifyMailError, PermanentJobError } from './failure.ts';
import { type JobHandler, leadOfJob } from './handlers.ts';

/** At most one confirmation per address in this window, so the form cannot be used to flood someone's inbox. */
export const CONFIRMATION_WINDOW_MS = 24 * 60 * 60_000;

/** The job target: a hash of the folded address, so the jobs table holds no second copy of it. */
export function confirmationTarget(email: string): string {
  return `sha256:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
}

/**
 * Inside the lead's transaction: a confirmation job unless one to the same address was created in the last 24 hours.
 * Read from the jobs table, so every instance sees the same history; on PostgreSQL a per-address lock makes two
 * simultaneous posts from one address queue behind each other instead of both seeing none.
 */
export async function confirmationJobs(
  trx: Kysely<Database>,
  dialect: Dialect,
  clock: Clock,
  config: Pick<Config, 'CONFIRMATION_MAIL'>,
  email: string,
): Promise<NewJob[]> {
  if (config.CONFIRMATION_MAIL !== 'on') return [];
  const target = confirmationTarget(email);
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtextextended(${target}, 7))`.execute(trx);
  const since = new Date(clock().getTime() - CONFIRMATION_WINDOW_MS);
  const recent = await recentJobExists(trx, JOB_KINDS.confirmation, since, target);
  return recent ? [] : [{ kind: JOB_KINDS.confirmation, target }];
}

/** The thank-you to the visitor (CONFIRMATION_MAIL=on); never for spam. */
export const mailConfirmation: JobHandler = {
  kind: JOB_KINDS.confirmation,
  isMail: true,
  // A courtesy mail gets fewer tries than the notification: sales has the lead either way.
  maxAttempts: 5,
  async run(ctx) {
    const lead = await leadOfJob(ctx);
    // An admin may have marked it spam after it was stored: the visitor then gets nothing.
    if (lead.status === 'spam') throw new PermanentJobError('lead was marked as spam; no confirmation');
    await ctx.transport.send(buildConfirmation(lead, ctx.config));
  },
  classify: classifyMailError,
};
