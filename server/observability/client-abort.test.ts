import type { AddressInfo } from 'node:net';
import { connect as tcp } from 'node:net';
import { Writable } from 'node:stream';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { createLogger } from '../logger.ts';
import { type Harness, makeHarness } from '../testing/app-harness.ts';
import { until } from '../testing/until.ts';
import { createMetrics, type Metrics } from './metrics.ts';

describe('a client that aborts its chunked body', () => {
  let h: Harness;
  let server: ServerType;
  let metrics: Metrics;
  const chunks: string[] = [];
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; msg: string; status?: number });

  beforeAll(async () => {
    h = await makeHarness('sqlite');
    metrics = createMetrics(h.testDb.db);
    const stream = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(String(chunk));
        cb();
      },
    });
    const app = createApp({ ...h.deps, metrics, logger: createLogger('info', stream) });
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  it('is logged once at info as status 499 and counted as a client error, not a 5xx', async () => {
    const socket = tcp((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /api/leads HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"nam\r\n',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await until(() => lines().some((l) => l.msg === 'request'), 5000, 'the request log line');
    expect(lines()).toEqual([expect.objectContaining({ level: 30, msg: 'request', status: 499 })]);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/beraten_http_request_duration_seconds_count\{[^}]*status="499"[^}]*\} 1/);
    expect(text).not.toMatch(/beraten_http_request_duration_seconds_count\{[^}]*status="5\d\d"/);
    expect(await h.testDb.db.kysely.selectFrom('leads').selectAll().execute()).toEqual([]);
  });
});
