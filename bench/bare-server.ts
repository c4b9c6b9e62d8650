import { serve } from '@hono/node-server';
import { Hono } from 'hono';

// The baseline: a bare hono JSON POST route on the same machine, doing no validation and no storage.
const app = new Hono();
let n = 0;
app.post('/api/leads', async (c) => {
  await c.req.json();
  return c.json({ id: String(++n) }, 201);
});
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(`listens on http://localhost:${info.port} (bare)`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
