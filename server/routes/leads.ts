import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { type Locale, MAX_BODY_BYTES } from '../../shared/lead-spec.ts';
import { iso } from '../clock.ts';
import type { AppDeps } from '../deps.ts';
import { fail, validationFailed } from '../errors.ts';
import { parseLead } from '../leads/lead-schema.ts';
import { leadRateLimit } from '../limits/lead-limits.ts';
import { limitBody } from '../middleware/body-size.ts';
import { requireJson } from '../middleware/require-json.ts';
import { confirmationJobs } from '../outbox/mail-confirmation.ts';
import { createSpamGuard } from '../spam/classify.ts';
import { claimReplay, pruneReplay } from '../spam/pow.ts';
import { inTransaction } from '../store/group-commit.ts';
import { IdempotencyConflict, insertLeadIn } from '../store/leads.ts';
import { webhookJobs } from '../webhooks/jobs.ts';
import { challengeRoutes } from './challenge.ts';

const KEY = /^[\x21-\x7e]{8,200}$/;

function requestLocale(body: unknown, acceptLanguage: string | undefined): Locale {
  const asked = body && typeof body === 'object' ? (body as { locale?: unknown }).locale : undefined;
  if (asked === 'de' || asked === 'en') return asked;
  return /^\s*en\b/i.test(acceptLanguage ?? '') ? 'en' : 'de';
}

export function leadRoutes(deps: AppDeps) {
  const app = new Hono();
  const guard = createSpamGuard(deps);
  app.route('/challenge', challengeRoutes(guard));

  app.post('/', leadRateLimit(deps), requireJson, limitBody(MAX_BODY_BYTES), async (c) => {
    const key = c.req.header('idempotency-key');
    if (key !== undefined && !KEY.test(key))
      throw fail(400, 'Idempotency-Key must be 8 to 200 printable ASCII characters.');
    let raw: unknown;
    try {
      raw = JSON.parse(await c.req.text());
    } catch {
      throw fail(400, 'The body is not valid JSON.', 'invalid_json');
    }
    const locale = requestLocale(raw, c.req.header('accept-language'));
    const parsed = parseLead(raw, locale);
    if (!parsed.ok) throw validationFailed(parsed.issues);
    const { website, challenge, pow, ...fields } = parsed.lead;
    const lead = { ...fields, locale };
    // The hash covers the lead, not its spam signals: a retry with a fresh challenge is still the same inquiry.
    const idem = key ? { key, bodyHash: createHash('sha256').update(JSON.stringify(lead)).digest('hex') } : undefined;
    const verdict = await guard.classify({ website, challenge, pow });
    try {
      const result = await inTransaction(deps.db, async (trx) => {
        let reason = verdict.spam ? verdict.reason : undefined;
        if (!verdict.spam && verdict.replay && !(await claimReplay(trx, verdict.replay.key, verdict.replay.expiresAt)))
          reason = 'pow_replayed';
        // Spam is kept for the record but never mailed.
        const jobs = reason
          ? []
          : [
              { kind: 'mail.notification' },
              ...(await confirmationJobs(trx, deps.db.dialect, deps.clock, deps.config, lead.email)),
            ];
        if (!reason) jobs.push(...webhookJobs(deps.config, 'lead.created'));
        return {
          ...(await insertLeadIn(trx, deps.clock, { ...lead, status: reason ? 'spam' : 'new' }, jobs, idem)),
          reason,
        };
      });
      if (result.created) deps.metrics?.leadStored(result.reason ? 'spam' : 'new', result.reason);
      if (result.created && result.reason)
        deps.logger.info({ leadId: result.id, reason: result.reason }, 'lead stored as spam');
      else if (result.created) deps.wakeOutbox?.(result.id);
      else c.header('Idempotent-Replayed', 'true');
      if (verdict.spam === false && verdict.replay) await pruneReplay(deps.db, iso(deps.clock)).catch(() => {});
      return c.json({ id: result.id }, 201);
    } catch (err) {
      if (err instanceof IdempotencyConflict) {
        throw fail(422, 'This Idempotency-Key was already used with a different body.', 'idempotency_conflict');
      }
      throw err;
    }
  });

  return app;
}
