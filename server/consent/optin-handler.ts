import type { Config } from '../config.ts';
import { classifyMailError, PermanentJobError } from '../outbox/failure.ts';
import { type JobHandler, leadOfJob } from '../outbox/handlers.ts';
import { consentRecord } from '../store/marketing-consent.ts';
import { buildOptInMail } from './optin-mail.ts';
import { OPTIN_KIND } from './optin-request.ts';
import { optInKey, signOptIn } from './optin-token.ts';

export const OPTIN_PATH = '/consent/marketing';

/** The confirmation page's address for one token, on this server's public origin. */
export function optInLink(config: Pick<Config, 'PUBLIC_URL' | 'selfOrigin'>, token: string): string {
  const base = (config.PUBLIC_URL ?? config.selfOrigin).replace(/\/+$/, '');
  return `${base}${OPTIN_PATH}?t=${encodeURIComponent(token)}`;
}

/** 'mail.marketing_optin': the double opt-in mail to the visitor; the link is signed at send time, so a resend carries the same one. */
export const mailMarketingOptIn: JobHandler = {
  kind: OPTIN_KIND,
  isMail: true,
  maxAttempts: 5,
  async run(ctx) {
    const { job, db, config, clock, transport } = ctx;
    const lead = await leadOfJob(ctx);
    const record = await consentRecord(db.kysely, lead.id);
    if (!record) throw new PermanentJobError(`the consent record of lead ${job.lead_id} no longer exists (erased?)`);
    if (lead.status === 'spam') throw new PermanentJobError('lead was marked as spam; no opt-in mail');
    if (record.state === 'confirmed') throw new PermanentJobError('consent already confirmed; no mail needed');
    if (Date.parse(record.expires_at) <= clock().getTime())
      throw new PermanentJobError('the confirmation link expired before it could be sent');
    const token = signOptIn(await optInKey({ config, db, clock }), record.id, record.expires_at);
    await transport.send(buildOptInMail(lead, optInLink(config, token), record.expires_at, config));
  },
  classify: classifyMailError,
};
