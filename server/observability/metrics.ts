import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/connect.ts';

export type JobOutcomeName = 'sent' | 'retried' | 'dead';

export interface Metrics {
  registry: Registry;
  /** A lead written by POST /api/leads: 'new' is mailed, 'spam' is kept but never mailed. */
  leadStored(status: 'new' | 'spam', spamReason?: string): void;
  validationFailed(): void;
  rateLimited(route: string): void;
  request(method: string, route: string, status: number, seconds: number): void;
  jobOutcome(kind: string, outcome: JobOutcomeName): void;
}

export interface MetricsOptions {
  /** Node process metrics (heap, event loop lag, ...); off in tests to keep scrapes small. */
  processMetrics?: boolean;
}

function counter(registry: Registry, name: string, help: string, labelNames: string[] = []) {
  return new Counter({ name, help, labelNames, registers: [registry] });
}

// Read from the database on scrape: the queue is shared by every instance, so no process could count it alone.
function queueGauge(registry: Registry, db: Db) {
  return new Gauge({
    name: 'beraten_outbox_queue',
    help:
      'Outbox jobs waiting (pending), in flight (sending) or given up (dead), by kind; read from the database ' +
      'on scrape.',
    labelNames: ['kind', 'state'],
    registers: [registry],
    async collect() {
      const rows = await db.kysely
        .selectFrom('jobs')
        .select(['kind', 'state', (eb) => eb.fn.countAll().as('n')])
        .where('state', 'in', ['pending', 'sending', 'dead'])
        .groupBy(['kind', 'state'])
        .execute();
      this.reset();
      for (const r of rows) this.set({ kind: r.kind, state: r.state }, Number(r.n));
    },
  });
}

/** One registry per app (never prom-client's global one), so two apps in one process never share counts. */
export function createMetrics(db: Db, opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'beraten_' });
  const leads = counter(registry, 'beraten_leads_received_total', 'Leads stored, by status (new or spam).', ['status']);
  const spam = counter(registry, 'beraten_spam_caught_total', 'Leads classified as spam, by trap.', ['reason']);
  const invalid = counter(
    registry,
    'beraten_lead_validation_failures_total',
    'POST /api/leads refused with 422 for invalid fields.',
  );
  const limited = counter(registry, 'beraten_rate_limited_total', 'Requests answered 429, by route.', ['route']);
  const jobs = counter(
    registry,
    'beraten_outbox_jobs_total',
    'Outbox job attempts by kind and outcome (sent, retried, dead).',
    ['kind', 'outcome'],
  );
  const duration = new Histogram({
    name: 'beraten_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  queueGauge(registry, db);
  for (const status of ['new', 'spam']) leads.inc({ status }, 0);
  invalid.inc(0);

  return {
    registry,
    leadStored(status, spamReason) {
      leads.inc({ status });
      if (status === 'spam') spam.inc({ reason: spamReason ?? 'unknown' });
    },
    validationFailed: () => invalid.inc(),
    rateLimited: (route) => limited.inc({ route }),
    request: (method, route, status, seconds) => duration.observe({ method, route, status: String(status) }, seconds),
    jobOutcome: (kind, outcome) => jobs.inc({ kind, outcome }),
  };
}
