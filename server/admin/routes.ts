import { Hono, type MiddlewareHandler } from 'hono';
import type { AppDeps } from '../deps.ts';
import { adminAuthLimiter } from '../limits/admin-auth.ts';
import { adminGuard } from './auth.ts';
import { eraseRoutes } from './erase.ts';
import { exportRoutes } from './export.ts';
import { leadUpdateRoutes } from './lead-update.ts';
import { leadsReadRoutes } from './leads-read.ts';
import { resendRoutes } from './resend.ts';
import { statsRoutes } from './stats.ts';
import { subjectRoutes } from './subjects.ts';

/** The sales team's JSON API under /api/admin; every route sits behind the bearer token. */
export function adminRoutes(deps: AppDeps, tokenFailures: MiddlewareHandler = adminAuthLimiter(deps)) {
  const app = new Hono();
  // The limiter runs first so a client that keeps guessing the token gets 429 before the bearer guard sees it.
  app.use('*', tokenFailures, ...adminGuard(deps.config.ADMIN_TOKEN, deps.logger));
  // Export first: /leads/export must not be taken for a lead id.
  app.route('/', exportRoutes(deps));
  app.route('/', leadsReadRoutes(deps));
  app.route('/', leadUpdateRoutes(deps));
  app.route('/', resendRoutes(deps));
  app.route('/', eraseRoutes(deps));
  app.route('/', statsRoutes(deps));
  app.route('/', subjectRoutes(deps));
  return app;
}
