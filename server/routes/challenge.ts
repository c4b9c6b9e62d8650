import { Hono } from 'hono';
import type { SpamGuard } from '../spam/classify.ts';

/** GET /api/leads/challenge: a fresh signed timestamp (and a proof-of-work puzzle when SPAM_POW=on), never cached. */
export function challengeRoutes(guard: SpamGuard) {
  const app = new Hono();
  app.get('/', async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await guard.issue());
  });
  return app;
}
