import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import type { MailTransport } from '../mail/mail-transport.ts';
import type { JobRow } from '../store/jobs.ts';
import { type Failure, PermanentJobError } from './failure.ts';

export interface JobContext {
  job: JobRow;
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  transport: MailTransport;
}

/** One job kind (jobs.kind): how to run it and how to read its failures. New kinds plug in here. */
export interface JobHandler {
  kind: string;
  /** Counts against MAIL_PER_HOUR. */
  isMail: boolean;
  /** Tries before the job is dead; defaults to MAIL_MAX_ATTEMPTS. */
  maxAttempts?: number;
  run(ctx: JobContext): Promise<void>;
  classify(err: unknown): Failure;
}

export type HandlerMap = Record<string, JobHandler>;

export function handlerMap(handlers: JobHandler[]): HandlerMap {
  return Object.fromEntries(handlers.map((h) => [h.kind, h]));
}

/** The job's lead, read when the job runs; a job whose lead is gone (erased) fails for good. */
export async function leadOfJob({ job, db }: Pick<JobContext, 'job' | 'db'>) {
  if (!job.lead_id) throw new PermanentJobError('job has no lead_id');
  const lead = await db.kysely.selectFrom('leads').selectAll().where('id', '=', job.lead_id).executeTakeFirst();
  if (!lead) throw new PermanentJobError(`lead ${job.lead_id} no longer exists (erased?)`);
  return lead;
}
