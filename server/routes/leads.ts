import { Hono } from 'hono';
import { type Locale, MAX_BODY_BYTES } from '../../shared/lead-spec.ts';
import type { AppDeps } from '../deps.ts';
import { ERROR_CODES, fail, validationFailed } from '../errors.ts';
import { storeLead } from '../leads/intake.ts';
import { parseLead } from '../leads/lead-schema.ts';
import { leadRateLimit } from '../limits/lead-limits.ts';
import { limitBody } from '../middleware/body-size.ts';
import { readJson } from '../middleware/json-body.ts';
import { requireJson } from '../middleware/require-json.ts';
import { createSpamGuard } from '../spam/classify.ts';
import { IdempotencyConflict } from '../store/leads.ts';
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
    const raw = await readJson(c);
    const locale = requestLocale(raw, c.req.header('accept-language'));
    const parsed = parseLead(raw, locale);
    if (!parsed.ok) throw validationFailed(parsed.issues, locale);
    const { website, challenge, pow, ...fields } = parsed.lead;
    const verdict = await guard.classify({ website, challenge, pow });
    try {
      const stored = await storeLead(deps, { ...fields, locale }, verdict, key);
      if (!stored.created) c.header('Idempotent-Replayed', 'true');
      return c.json({ id: stored.id }, 201);
    } catch (err) {
      if (err instanceof IdempotencyConflict) {
        throw fail(
          422,
          'This Idempotency-Key was already used with a different body.',
          ERROR_CODES.IDEMPOTENCY_CONFLICT,
        );
      }
      throw err;
    }
  });

  return app;
}
