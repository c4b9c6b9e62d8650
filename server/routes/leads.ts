import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_BODY_BYTES, type Locale } from '../../shared/lead-spec.ts';
import type { AppDeps } from '../app.ts';
import { fail, validationFailed } from '../errors.ts';
import { parseLead } from '../leads/lead-schema.ts';
import { requireJson } from '../middleware/require-json.ts';
import { IdempotencyConflict, insertLead } from '../store/leads.ts';

const KEY = /^[\x21-\x7e]{8,200}$/;

function requestLocale(body: unknown, acceptLanguage: string | undefined): Locale {
  const asked = body && typeof body === 'object' ? (body as { locale?: unknown }).locale : undefined;
  if (asked === 'de' || asked === 'en') return asked;
  return /^\s*en\b/i.test(acceptLanguage ?? '') ? 'en' : 'de';
}

export function leadRoutes(deps: AppDeps) {
  const app = new Hono();

  app.post(
    '/',
    requireJson,
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw fail(413, `The body may be at most ${MAX_BODY_BYTES} bytes.`);
      },
    }),
    async (c) => {
      const key = c.req.header('idempotency-key');
      if (key !== undefined && !KEY.test(key)) throw fail(400, 'Idempotency-Key must be 8 to 200 printable ASCII characters.');
      let raw: unknown;
      try {
        raw = JSON.parse(await c.req.text());
      } catch {
        throw fail(400, 'The body is not valid JSON.', 'invalid_json');
      }
      const locale = requestLocale(raw, c.req.header('accept-language'));
      const parsed = parseLead(raw, locale);
      if (!parsed.ok) throw validationFailed(parsed.issues);
      const lead = { ...parsed.lead, locale };
      const idem = key ? { key, bodyHash: createHash('sha256').update(JSON.stringify(lead)).digest('hex') } : undefined;
      try {
        const result = await insertLead(deps.db, deps.clock, lead, [{ kind: 'mail.notification' }], idem);
        if (result.created) deps.onLeadStored?.(result.id);
        else c.header('Idempotent-Replayed', 'true');
        return c.json({ id: result.id }, 201);
      } catch (err) {
        if (err instanceof IdempotencyConflict) {
          throw fail(422, 'This Idempotency-Key was already used with a different body.', 'idempotency_conflict');
        }
        throw err;
      }
    },
  );

  return app;
}
