import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { ERROR_CODES, fail } from '../errors.ts';

interface Built {
  mtimeMs: number;
  etag: string;
  raw: Buffer;
  br: Buffer;
  gzip: Buffer;
}

/** Serves the built widget, compressed once per build, cacheable and loadable from any site. */
export function widgetRoutes(file: string) {
  let cached: Built | undefined;
  const load = (): Built | undefined => {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      return undefined;
    }
    if (cached?.mtimeMs === mtimeMs) return cached;
    const raw = readFileSync(file);
    cached = {
      mtimeMs,
      raw,
      etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 22)}"`,
      br: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      gzip: gzipSync(raw, { level: 9 }),
    };
    return cached;
  };

  const app = new Hono();
  app.get('/', (c) => {
    const built = load();
    if (!built) throw fail(503, 'The widget is not built yet; run npm run build.', ERROR_CODES.WIDGET_NOT_BUILT);
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=300, stale-while-revalidate=86400');
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    c.header('ETag', built.etag);
    c.header('Vary', 'Accept-Encoding');
    if (c.req.header('if-none-match') === built.etag) return c.body(null, 304);
    const accept = c.req.header('accept-encoding') ?? '';
    const [body, encoding] = /\bbr\b/.test(accept)
      ? [built.br, 'br']
      : /\bgzip\b/.test(accept)
        ? [built.gzip, 'gzip']
        : [built.raw, undefined];
    if (encoding) c.header('Content-Encoding', encoding);
    return c.body(new Uint8Array(body));
  });
  return app;
}
