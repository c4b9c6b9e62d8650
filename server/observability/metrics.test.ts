import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import type { MailTransport } from '../mail/mail-transport.ts';
import { createMailTransport } from '../mail/transport.ts';
import { type Outbox, startOutbox } from '../start-outbox.ts';
import { type Harness, makeHarness } from '../testing/app-harness.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { LEAD, TEST_BACKOFF } from '../testing/outbox-fixture.ts';
import { startServerProcess } from '../testing/server-process.ts';
import { type SmtpPeer, startSmtpPeer } from '../testing/smtp-peer.ts';
import { createMetrics } from './metrics.ts';
import { parsePrometheusText, sampleValue } from './prometheus-text.ts';

const ADMIN = 'a'.repeat(40);
const METRICS = 'm'.repeat(40);
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

describe('GET /metrics access', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('is 404 while neither METRICS_TOKEN nor ADMIN_TOKEN is set', async () => {
    h = await makeHarness('sqlite');
    const res = await h.app.request('/metrics');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found', message: expect.stringContaining('METRICS_TOKEN') });
  });

  it('asks for a bearer token, and takes METRICS_TOKEN or ADMIN_TOKEN', async () => {
    h = await makeHarness('sqlite', { ADMIN_TOKEN: ADMIN, METRICS_TOKEN: METRICS });
    expect((await h.app.request('/metrics')).status).toBe(401);
    expect((await h.app.request('/metrics', bearer('x'.repeat(40)))).status).toBe(401);
    for (const token of [METRICS, ADMIN]) {
      const res = await h.app.request('/metrics', bearer(token));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(parsePrometheusText(await res.text()).has('beraten_leads_received_total')).toBe(true);
    }
  });

  it('refuses a short METRICS_TOKEN at start, naming the setting', async () => {
    await expect(makeHarness('sqlite', { METRICS_TOKEN: 'short' })).rejects.toThrow(
      /METRICS_TOKEN: must be at least 32 characters/,
    );
    h = await makeHarness('sqlite');
  });
});

describeEachDb('GET /metrics counts', (dialect) => {
  let h: Harness;
  let peer: SmtpPeer;
  let transport: MailTransport;
  let outbox: Outbox;
  afterEach(async () => {
    await outbox.stop();
    transport.close();
    await peer.close();
    await h.close();
  });

  it('reports leads by status, spam, validation failures, 429s, the queue, sent/retried/dead mail and request durations', async () => {
    peer = await startSmtpPeer();
    h = await makeHarness(dialect, { METRICS_TOKEN: METRICS, SMTP_URL: peer.url, RATE_LIMIT_PER_MINUTE: '4' });
    const metrics = createMetrics(h.testDb.db);
    const app = createApp({ ...h.deps, metrics, wakeOutbox: () => {} });
    transport = createMailTransport(h.config);
    outbox = startOutbox(
      {
        config: h.config,
        db: h.testDb.db,
        clock: h.deps.clock,
        logger: h.deps.logger,
        transport,
        onOutcome: (e) => metrics.jobOutcome(e.job.kind, e.outcome),
      },
      { backoff: TEST_BACKOFF, concurrency: 1 },
    );
    const post = (body: object) =>
      app.request('/api/leads', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const scrape = async () => {
      const res = await app.request('/metrics', bearer(METRICS));
      expect(res.status).toBe(200);
      return parsePrometheusText(await res.text());
    };

    expect((await post(LEAD)).status).toBe(201);
    expect((await post({ ...LEAD, email: 'zwei@example.de' })).status).toBe(201);
    expect((await post({ ...LEAD, website: 'https://spam.example' })).status).toBe(201);
    expect((await post({ ...LEAD, email: 'not-an-address' })).status).toBe(422);
    expect((await post(LEAD)).status).toBe(429);
    expect((await app.request(`/no/such/page/${'x'.repeat(20)}`)).status).toBe(404);

    let m = await scrape();
    // Labels carry route patterns, never raw paths, so a scan of random URLs cannot grow the series without bound.
    expect(
      sampleValue(m, 'beraten_http_request_duration_seconds_count', {
        method: 'GET',
        route: 'unmatched',
        status: '404',
      }),
    ).toBe(1);
    expect(sampleValue(m, 'beraten_leads_received_total', { status: 'new' })).toBe(2);
    expect(sampleValue(m, 'beraten_leads_received_total', { status: 'spam' })).toBe(1);
    expect(sampleValue(m, 'beraten_spam_caught_total', { reason: 'honeypot' })).toBe(1);
    expect(sampleValue(m, 'beraten_lead_validation_failures_total')).toBe(1);
    expect(sampleValue(m, 'beraten_rate_limited_total', { route: '/api/leads' })).toBe(1);
    expect(sampleValue(m, 'beraten_outbox_queue', { kind: 'mail.notification', state: 'pending' })).toBe(2);
    expect(
      sampleValue(m, 'beraten_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/api/leads',
        status: '201',
      }),
    ).toBe(3);
    expect(
      sampleValue(m, 'beraten_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/api/leads',
        status: '429',
      }),
    ).toBe(1);

    // First mail: accepted; second: 451 (retried), then 550 on its next try (dead).
    peer.failNext(451);
    await outbox.drainOnce();
    await peer.waitFor(1);
    h.advance(5000);
    peer.failNext(550);
    await outbox.drainOnce();

    m = await scrape();
    expect(sampleValue(m, 'beraten_outbox_jobs_total', { kind: 'mail.notification', outcome: 'sent' })).toBe(1);
    expect(sampleValue(m, 'beraten_outbox_jobs_total', { kind: 'mail.notification', outcome: 'retried' })).toBe(1);
    expect(sampleValue(m, 'beraten_outbox_jobs_total', { kind: 'mail.notification', outcome: 'dead' })).toBe(1);
    expect(sampleValue(m, 'beraten_outbox_queue', { kind: 'mail.notification', state: 'pending' })).toBe(0);
    expect(sampleValue(m, 'beraten_outbox_queue', { kind: 'mail.notification', state: 'dead' })).toBe(1);
    // The scrape before this one was itself a request.
    expect(
      sampleValue(m, 'beraten_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/metrics',
        status: '200',
      }),
    ).toBe(1);
  });
});

describe('the Prometheus text reader used above', () => {
  it('throws on a sample line that is not in the format, so a broken scrape cannot pass', () => {
    expect(() => parsePrometheusText('# HELP x_total X.\n# TYPE x_total counter\nx_total{a="b"} 1\n')).not.toThrow();
    expect(() => parsePrometheusText('x_total 1\n')).toThrow(/without # HELP/);
    expect(() => parsePrometheusText('# HELP x X.\n# TYPE x gauge\nx{a=b} 1\n')).toThrow(/not a Prometheus sample/);
  });
});

describe('GET /metrics on the real server process', () => {
  it('serves the process metrics next to ours, all in a parsable format, with the admin token', {
    timeout: 60_000,
  }, async () => {
    const proc = await startServerProcess({ DATA_DIR: mkdtempSync(join(tmpdir(), 'bl-metrics-')), ADMIN_TOKEN: ADMIN });
    try {
      expect((await fetch(`${proc.url}/healthz`)).status).toBe(200);
      const res = await fetch(`${proc.url}/metrics`, bearer(ADMIN));
      expect(res.status).toBe(200);
      const m = parsePrometheusText(await res.text());
      expect(m.get('beraten_process_resident_memory_bytes')?.type).toBe('gauge');
      expect(m.get('beraten_leads_received_total')?.type).toBe('counter');
      expect(
        sampleValue(m, 'beraten_http_request_duration_seconds_count', {
          method: 'GET',
          route: '/healthz',
          status: '200',
        }),
      ).toBe(1);
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
  });
});
