import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { launchBrowser } from '../widget/testing/browser.ts';
import { WIDGET_FILE } from '../widget/testing/build.ts';

// The baseline: the least any script can do to show the same button, in a shadow root of its own.
const BASELINE =
  `(()=>{const e=document.createElement('div');e.attachShadow({mode:'open'})` +
  `.append(Object.assign(document.createElement('button'),{textContent:'Beraten lassen'}));` +
  `document.body.append(e)})()`;

// Records when a visible "Beraten lassen" button first exists anywhere, shadow roots included.
const PROBE =
  `(()=>{const find=(r)=>{for(const el of ` +
  `r.querySelectorAll('*')){if(el.tagName==='BUTTON'&&el.textContent.trim()==='Beraten lassen'){const ` +
  `b=el.getBoundingClientRect();if(b.width>0&&b.height>0)return ` +
  `true}if(el.shadowRoot&&find(el.shadowRoot))return true}return false};const ` +
  `tick=()=>{if(find(document)){window.__visible=performance.now()}else ` +
  `requestAnimationFrame(tick)};requestAnimationFrame(tick)})()`;

const page = (script: string) =>
  `<!doctype html><html lang="de"><head><meta charset="utf-8"><link rel="icon" href="data:,"><script ` +
  `src="/probe.js"></script></head><body><h1>Seite</h1><script async ` +
  `src="/${script}" data-privacy-url="/datenschutz"></script></body></html>`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** widget.js bytes, and the median time from the script's arrival to a visible button, against the baseline script. */
export async function widgetFigures(runs = 15): Promise<void> {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'silent'], { stdio: 'inherit' });
  const raw = readFileSync(WIDGET_FILE);
  const gzip = gzipSync(raw, { level: 9 }).length;
  const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const files: Record<string, [string, string | Buffer]> = {
    '/widget.html': ['text/html', page('widget.js')],
    '/baseline.html': ['text/html', page('baseline.js')],
    '/probe.js': ['text/javascript', PROBE],
    '/baseline.js': ['text/javascript', BASELINE],
    '/widget.js': ['text/javascript', raw],
  };
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': `${file[0]}; charset=utf-8`, 'Cache-Control': 'no-store' }).end(file[1]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchBrowser();
  const measure = async (name: string) => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const p = await browser.context.newPage();
      await p.goto(`${base}/${name}.html`);
      await p.waitForFunction(() => (window as unknown as { __visible?: number }).__visible !== undefined);
      times.push(
        await p.evaluate((script) => {
          const entry = performance
            .getEntriesByType('resource')
            .find((e) => e.name.endsWith(script)) as PerformanceResourceTiming;
          return (window as unknown as { __visible: number }).__visible - entry.responseEnd;
        }, `/${name}.js`),
      );
      await p.close();
    }
    return median(times);
  };
  await measure('baseline'); // warm-up
  const baseline = await measure('baseline');
  const widget = await measure('widget');
  await browser.close();
  server.close();
  console.log('\n## Widget');
  console.log(`widget.js: ${raw.length} B raw, ${gzip} B gzip, ${br} B brotli (budget 8000 B brotli)`);
  console.log(`script arrival to visible button, median of ${runs} loads in Chromium:`);
  console.log(`  baseline (a bare shadow-root button): ${baseline.toFixed(1)} ms`);
  console.log(
    `  widget.js:                            ${widget.toFixed(1)} ms ` +
      `(${(widget / Math.max(baseline, 0.1)).toFixed(2)}x the baseline)`,
  );
}
