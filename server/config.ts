import { z } from 'zod';
import { DEFAULT_RETENTION, parseRetentionRules } from './admin/retention-rules.ts';
import { timeZoneProblem } from './admin/stats-days.ts';
import { trustProxyProblem } from './limits/trust-proxy.ts';
import { parseSalesRoutes, type SalesRoutes } from './routing/sales-routes.ts';
import { webhookSettingsIssues } from './webhooks/settings.ts';

const csv = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const originList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const out: string[] = [];
    for (const item of csv(value)) {
      try {
        const url = new URL(item);
        if (url.origin === 'null' || item.replace(/\/$/, '') !== url.origin) throw new Error();
        out.push(url.origin);
      } catch {
        ctx.addIssue({
          code: 'custom',
          message:
            `"${item}" is not an origin; write it as ` +
            `https://www.example.de (scheme, host, optional port, no path)`,
        });
      }
    }
    return out;
  });

const addressList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const list = csv(value);
    for (const item of list) {
      if (!/^[^\s@,<>"]+@[^\s@,<>"]+\.[^\s@,<>"]+$/.test(item))
        ctx.addIssue({ code: 'custom', message: `"${item}" is not a plain email address` });
    }
    return list;
  });

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .optional()
    .refine(
      (v) => !v || /^(postgres(ql)?:\/\/|sqlite:|file:)/.test(v),
      'use postgres://user@host:5432/db, or sqlite:./data/leads.db',
    ),
  SMTP_URL: z
    .string()
    .optional()
    .refine(
      (v) => !v || /^smtps?:\/\//.test(v),
      'use smtp://user:pass@host:587 or smtps://user:pass@host:465, or leave it unset to write .eml files',
    ),
  MAIL_FROM: z.string().min(3).default('Beraten lassen <leads@localhost>'),
  SALES_INBOX: addressList,
  SALES_ROUTES: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const parsed = parseSalesRoutes(value);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason });
      return parsed.ok ? parsed.routes : new Map<string, string[]>();
    }),
  // Double opt-in: how long the mailed confirmation link holds.
  MARKETING_CONFIRM_DAYS: z.coerce
    .number({ error: 'use whole days, e.g. 7' })
    .int('use whole days, e.g. 7')
    .min(1, 'use at least 1 day')
    .max(90, 'use at most 90 days: an old, unconfirmed opt-in proves little')
    .default(7),
  STATS_TIME_ZONE: z
    .string()
    .default('Europe/Berlin')
    .superRefine((value, ctx) => {
      const problem = timeZoneProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  ALLOWED_ORIGINS: originList,
  ADMIN_TOKEN: z
    .string()
    .optional()
    .refine(
      (v) => !v || v.length >= 32,
      'must be at least 32 characters; generate one with `openssl rand -hex 32`, or unset it to turn the admin API off',
    )
    .refine(
      (v) => !v || /^[A-Za-z0-9._~+/-]+=*$/.test(v),
      'may hold only letters, digits and . _ ~ + / - (a bearer token); use `openssl rand -hex 32`',
    ),
  RETENTION_DAYS: z
    .string()
    .default(DEFAULT_RETENTION)
    .transform((value, ctx) => {
      const parsed = parseRetentionRules(value);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason });
      return parsed.ok ? parsed.rules : { default: 730 };
    }),
  TRUST_PROXY: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      const problem = trustProxyProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  PUBLIC_URL: z.string().url().optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(5000),
  MAIL_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(5),
  // Own SMTP timeouts: nodemailer's defaults (2 min connect, 10 min idle) would hold a job's lease far too long.
  SMTP_CONNECT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000, 'use at least 1000 (milliseconds)')
    .max(120_000, 'use at most 120000 (2 minutes)')
    .default(10_000),
  SMTP_SOCKET_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000, 'use at least 1000 (milliseconds)')
    .max(600_000, 'use at most 600000 (10 minutes)')
    .default(30_000),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1, 'use at least 1 try').max(100, 'use at most 100 tries').default(10),
  MAIL_PER_HOUR: z.coerce
    .number()
    .int()
    .min(0, 'use 0 (no cap) or the number of mails your SMTP plan allows per hour')
    .default(0),
  // Spam and abuse: 0 turns a trap or a limit off.
  MIN_FILL_SECONDS: z.coerce
    .number({ error: 'use whole seconds, e.g. 3; 0 turns the time trap off' })
    .int()
    .min(0)
    .max(3600)
    .default(3),
  CHALLENGE_SECRET: z
    .string()
    .min(32, 'use at least 32 random characters (openssl rand -hex 32); every instance needs the same value')
    .optional(),
  SPAM_POW: z.enum(['on', 'off'], { error: 'use on or off' }).default('off'),
  POW_MAX_NUMBER: z.coerce
    .number({ error: 'use a whole number such as 100000' })
    .int()
    .min(1000)
    .max(10_000_000)
    .default(100_000),
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number({ error: 'use a whole number of posts, e.g. 5; 0 turns it off' })
    .int()
    .min(0)
    .default(5),
  RATE_LIMIT_PER_DAY: z.coerce
    .number({ error: 'use a whole number of posts, e.g. 30; 0 turns it off' })
    .int()
    .min(0)
    .default(30),
  ADMIN_AUTH_FAILURES_PER_HOUR: z.coerce
    .number({ error: 'use a whole number, e.g. 10; 0 turns it off' })
    .int()
    .min(0)
    .default(10),
  NODE_ENV: z.string().optional(),
  // Signed webhooks to CRMs, n8n and Slack; checked as a whole (targets, secret) in server/webhooks/settings.ts.
  WEBHOOK_URLS: z
    .string()
    .optional()
    .transform((v) => csv(v)),
  WEBHOOK_SECRET: z.string().optional(),
  WEBHOOK_TIMEOUT_MS: z.coerce
    .number({ error: 'use whole milliseconds, e.g. 10000' })
    .int()
    .min(100, 'use at least 100 (milliseconds)')
    .max(30_000, 'use at most 30000 (30 s): the outbox lease must outlast one delivery')
    .default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Operations: visitor confirmation, dead-mail alerts, metrics.
  CONFIRMATION_MAIL: z.enum(['on', 'off'], { error: 'use on or off' }).default('off'),
  COMPANY_NAME: z.string().max(120, 'use at most 120 characters').optional(),
  COMPANY_CONTACT: z.string().max(1000, 'use at most 1000 characters').optional(),
  ALERT_INBOX: addressList,
  METRICS_TOKEN: z
    .string()
    .optional()
    .refine(
      (v) => !v || v.length >= 32,
      'must be at least 32 characters; generate one with `openssl rand -hex 32`, or unset it (then /metrics ' +
        'takes ADMIN_TOKEN)',
    )
    .refine(
      (v) => !v || /^[A-Za-z0-9._~+/-]+=*$/.test(v),
      'may hold only letters, digits and . _ ~ + / - (a bearer token); use `openssl rand -hex 32`',
    ),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config
  extends Omit<Env, 'SALES_INBOX' | 'SALES_ROUTES' | 'ALLOWED_ORIGINS' | 'ALERT_INBOX' | 'COMPANY_CONTACT'> {
  salesInbox: string[];
  /** SALES_ROUTES: folded topic to its addresses; a lead with another topic goes to salesInbox. */
  salesRoutes: SalesRoutes;
  alertInbox: string[];
  /** COMPANY_CONTACT split at "|": the lines under the confirmation mail's signature. */
  companyContact: string[];
  allowedOrigins: string[];
  databaseUrl: string;
  mailDir: string;
  selfOrigin: string;
}

export class ConfigError extends Error {}

/** Parses the environment once; a wrong setting throws a ConfigError naming the variable and the fix. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`Invalid settings (see .env.example):\n${lines.join('\n')}`);
  }
  const { ALERT_INBOX, COMPANY_CONTACT, SALES_ROUTES, ...e } = parsed.data;
  if (e.CONFIRMATION_MAIL === 'on' && !e.COMPANY_NAME?.trim()) {
    throw new ConfigError(
      "Invalid settings (see .env.example):\n  COMPANY_NAME: CONFIRMATION_MAIL=on needs the firm's name for " +
        'the thank-you mail, e.g. COMPANY_NAME="Muster Beratung GmbH"',
    );
  }
  const webhookIssues = webhookSettingsIssues(e);
  if (webhookIssues.length)
    throw new ConfigError(
      `Invalid settings (see .env.example):\n${webhookIssues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`,
    );
  const publicHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST;
  const selfOrigin = e.PUBLIC_URL ? new URL(e.PUBLIC_URL).origin : `http://${publicHost}:${e.PORT}`;
  const defaults = [selfOrigin, `http://localhost:${e.PORT}`, `http://127.0.0.1:${e.PORT}`];
  return {
    ...e,
    salesInbox: e.SALES_INBOX.length ? e.SALES_INBOX : ['sales@localhost'],
    salesRoutes: SALES_ROUTES,
    alertInbox: ALERT_INBOX,
    companyContact: (COMPANY_CONTACT ?? '')
      .split('|')
      .map((line) => line.trim())
      .filter(Boolean),
    allowedOrigins: e.ALLOWED_ORIGINS.length ? e.ALLOWED_ORIGINS : [...new Set(defaults)],
    databaseUrl: e.DATABASE_URL ?? `sqlite:${e.DATA_DIR}/leads.db`,
    mailDir: `${e.DATA_DIR}/mail`,
    selfOrigin,
  };
}
