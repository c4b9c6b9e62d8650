import type { Options } from 'nodemailer/lib/mailer';
import { adminLeadUrl } from '../links.ts';
import { mailDomain } from '../mail/message-id.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import { classifyMailError, PermanentJobError } from './failure.ts';
import type { JobContext, JobHandler } from './handlers.ts';

const LISTED = 20;

interface DeadJob {
  id: string;
  lead_id: string | null;
  last_error: string | null;
  updated_at: string;
}

/** Ops mail, German then English; lead ids and SMTP errors only, never visitor data. */
export function buildAlert(
  jobId: string,
  dead: DeadJob[],
  total: number,
  settings: { MAIL_FROM: string; PUBLIC_URL?: string },
  to: string[],
): Options {
  const lines = dead.map((j) => {
    const link = j.lead_id ? adminLeadUrl(settings.PUBLIC_URL, j.lead_id) : undefined;
    return `- ${j.updated_at}  Lead ${j.lead_id ?? '–'}${link ? `  ${link}` : ''}\n  ${j.last_error ?? ''}`;
  });
  const more = total > dead.length ? [`… (+${total - dead.length})`] : [];
  const text = [
    `${total} Benachrichtigung(en) an den Vertrieb konnten nicht zugestellt werden und liegen als "dead" in ` +
      `der Datenbank.`,
    'Die Anfragen selbst sind gespeichert. Nach Behebung des Fehlers (SMTP-Zugang, Empfängeradresse) jede ' +
      'einzeln erneut senden:',
    'POST /api/admin/leads/<id>/resend. Weitere Warnungen kommen höchstens einmal pro Stunde.',
    '',
    `${total} sales notification(s) could not be delivered and are marked dead. The leads themselves are stored.`,
    'Fix the cause (SMTP credentials, recipient address), then resend each: POST /api/admin/leads/<id>/resend.',
    'Further alerts come at most once an hour.',
    '',
    ...lines,
    ...more,
  ].join('\n');
  return {
    from: settings.MAIL_FROM,
    to,
    subject: `Beraten lassen: ${total} Benachrichtigung(en) nicht zustellbar / notification(s) undeliverable`,
    text: `${text}\n`,
    messageId: `<alert-${jobId}@${mailDomain(settings.MAIL_FROM)}>`,
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

async function run({ job, db, config, transport }: JobContext): Promise<void> {
  const to = (job.target ?? '').split(',').filter(Boolean);
  if (!to.length) throw new PermanentJobError('alert job has no recipients');
  const dead = db.kysely.selectFrom('jobs').where('kind', '=', JOB_KINDS.notification).where('state', '=', 'dead');
  const [rows, count] = await Promise.all([
    dead.select(['id', 'lead_id', 'last_error', 'updated_at']).orderBy('updated_at', 'desc').limit(LISTED).execute(),
    dead.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  await transport.send(buildAlert(job.id, rows, Number(count.n), config, to));
}

/** Tells ALERT_INBOX that sales notifications went dead. */
export const mailAlert: JobHandler = { kind: JOB_KINDS.alert, isMail: true, run, classify: classifyMailError };
