import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { DEMO_DIR } from '../paths.ts';

const read = (name: string) => readFileSync(join(DEMO_DIR, name), 'utf8');

// The demo page runs under the strict CSP the widget promises to work with, so every start dogfoods it.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "require-trusted-types-for 'script'";

/** A German consulting page that embeds the widget exactly as a customer would. */
export function demoRoutes() {
  const pages = { index: read('index.html'), privacy: read('datenschutz.html'), css: read('demo.css') };
  const app = new Hono();
  app.get('/', (c) => {
    c.header('Content-Security-Policy', CSP);
    return c.html(pages.index);
  });
  app.get('/datenschutz', (c) => {
    c.header('Content-Security-Policy', CSP);
    return c.html(pages.privacy);
  });
  app.get('/demo.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    return c.body(pages.css);
  });
  return app;
}
