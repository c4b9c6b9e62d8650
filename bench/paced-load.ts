// A steady load: one request every 1000/rate ms on a schedule fixed in advance, whatever the answers do.
import { Agent, request } from 'node:http';
import { LEAD_BODY, type LoadResult, percentile } from './load.ts';

const TIMEOUT_MS = 10_000;

/**
 * Posts the bench lead at `rate` per second for `seconds`, open loop: a slow answer never delays the next request.
 * Each latency runs from the request's planned start, so a stall counts against every request it held back.
 */
export async function pacedLoad(url: string, seconds: number, rate: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL('/api/leads', url);
  const interval = 1000 / rate;
  const total = Math.round(seconds * rate);
  const latencies: number[] = [];
  let [sent, open, non2xx, errors] = [0, 0, 0, 0];
  const t0 = performance.now();
  await new Promise<void>((done) => {
    const settle = () => {
      open--;
      if (sent === total && open === 0) done();
    };
    const send = (planned: number) => {
      const req = request(target, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300)
            latencies.push(performance.now() - planned);
          else non2xx++;
          settle();
        });
      });
      req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        errors++;
        settle();
      });
      req.end(LEAD_BODY);
    };
    const pump = () => {
      // Timers fire late on a busy machine: every request whose planned start has passed goes now.
      while (sent < total && t0 + sent * interval <= performance.now()) {
        send(t0 + sent * interval);
        sent++;
        open++;
      }
      if (sent < total) setTimeout(pump, Math.max(0, t0 + sent * interval - performance.now()));
    };
    pump();
  });
  agent.destroy();
  const elapsedS = (performance.now() - t0) / 1000;
  return {
    rps: latencies.length / elapsedS,
    count: latencies.length,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    non2xx,
    errors,
  };
}
