import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pacedLoad } from './paced-load.ts';

let server: Server | undefined;

async function answering(delayMs: number, status = 201): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.writeHead(status).end('{}'), delayMs));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

describe('pacedLoad', () => {
  it('keeps its rate when every answer is slow, and each latency holds the wait', async () => {
    const url = await answering(40);
    const r = await pacedLoad(url, 1, 200);
    expect(r.count).toBe(200);
    // One answer at a time would make 25 a second.
    expect(r.rps).toBeGreaterThan(150);
    expect(r.p50).toBeGreaterThanOrEqual(40);
    expect(r.non2xx + r.errors).toBe(0);
  });

  it('counts a stall against every request planned during it, not only those in flight', async () => {
    const url = await answering(0);
    // The whole process stops for 100 ms: the 50 requests planned meanwhile go late, and each is timed from its plan.
    setTimeout(() => {
      const until = performance.now() + 100;
      while (performance.now() < until);
    }, 300);
    const r = await pacedLoad(url, 1, 500);
    expect(r.count).toBe(500);
    expect(r.p99).toBeGreaterThan(80);
    expect(r.p50).toBeLessThan(20);
  });

  it('reports answers other than 2xx apart from the latencies', async () => {
    const url = await answering(0, 503);
    const r = await pacedLoad(url, 0.2, 100);
    expect(r).toMatchObject({ count: 0, non2xx: 20, errors: 0 });
  });
});
