import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { BrowserContext } from 'playwright-core';
import { launchBrowser } from '../widget/testing/browser.ts';
import { WIDGET_FILE } from '../widget/testing/build.ts';
import { median } from './load.ts';

// The baseline: the least any script can do to show the same button and open a modal dialog, in a shadow root.
const BASELINE =
  `(()=>{const e=document.createElement('div'),r=e.attachShadow({mode:'open'}),` +
  `d=document.createElement('dialog'),` +
  `b=Object.assign(document.createElement('button'),{textContent:'Beraten lassen'});` +
  `d.append('Beraten lassen');b.onclick=()=>d.showModal();r.append(b,d);document.body.append(e)})()`;

// Records when a visible "Beraten lassen" button first exists anywhere, shadow roots included; and, for a click,
// the time from the click's timestamp to the frame after a modal dialog is open (rAF, then a task: after paint).
const PROBE =
  `(()=>{const all=(r,f)=>{for(const el of r.querySelectorAll('*')){const x=f(el);if(x)return x;` +
  `if(el.shadowRoot){const y=all(el.shadowRoot,f);if(y)return y}}};` +
  `const find=()=>all(document,(el)=>{if(el.tagName==='BUTTON'&&el.textContent.trim()==='Beraten lassen'){` +
  `const b=el.getBoundingClientRect();if(b.width>0&&b.height>0)return el}});` +
  `const tick=()=>{if(find()){window.__visible=performance.now()}else requestAnimationFrame(tick)};` +
  `requestAnimationFrame(tick);addEventListener('click',(e)=>{const t0=e.timeStamp;` +
  `const wait=()=>requestAnimationFrame(()=>setTimeout(()=>{` +
  `if(all(document,(el)=>el.matches('dialog:modal')&&el))window.__painted=performance.now()-t0;else wait()}));` +
  `wait()})})()`;

const page = (script: string) =>
  `<!doctype html><html lang="de"><head><meta charset="utf-8"><link rel="icon" href="data:,"><script ` +
  `src="/probe.js"></script></head><body><h1>Seite</h1><script async ` +
  `src="/${script}" data-privacy-url="/datenschutz"></script></body></html>`;

type Probe = { __visible?: number; __painted?: number };

/** One load: script arrival to visible button; with throttle, also the click on it to the dialog painted. */
async function load(context: BrowserContext, url: string, script: string, throttle: number) {
  const p = await context.newPage();
  await p.goto(url);
  await p.waitForFunction(() => (window as unknown as Probe).__visible !== undefined);
  const visible = await p.evaluate((name) => {
    const entry = performance
      .getEntriesByType('resource')
      .find((e) => e.name.endsWith(name)) as PerformanceResourceTiming;
    return (window as unknown as Probe).__visible! - entry.responseEnd;
  }, `/${script}`);
  let painted = Number.NaN;
  if (throttle > 1) {
    const cdp = await context.newCDPSession(p);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    await p.getByRole('button', { name: 'Beraten lassen' }).click();
    await p.waitForFunction(() => (window as unknown as Probe).__painted !== undefined);
    painted = await p.evaluate(() => (window as unknown as Probe).__painted!);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  }
  await p.close();
  return { visible, painted };
}

const ratio = (a: number, b: number) => `${(a / Math.max(b, 0.1)).toFixed(2)}x the baseline`;

/** widget.js bytes; script arrival to a visible button and a click to the dialog painted (CPU 4x slower), each
 * against the baseline. */
export async function widgetFigures(runs = 15, throttle = 4): Promise<void> {
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
  // Alternating loads: the baseline and the widget see the same machine, whatever else it is doing.
  const series = () => ({ visible: [] as number[], painted: [] as number[] });
  const times = { baseline: series(), widget: series() };
  for (let i = -1; i < runs; i++)
    for (const name of ['baseline', 'widget'] as const) {
      const r = await load(browser.context, `${base}/${name}.html`, `${name}.js`, throttle);
      if (i < 0) continue; // warm-up
      times[name].visible.push(r.visible);
      times[name].painted.push(r.painted);
    }
  const [baseline, widget] = [times.baseline, times.widget].map((t) => ({
    visible: median(t.visible),
    painted: median(t.painted),
  }));
  await browser.close();
  server.close();
  console.log('\n## Widget');
  console.log(`widget.js: ${raw.length} B raw, ${gzip} B gzip, ${br} B brotli (budget 10,240 B brotli)`);
  console.log(`script arrival to visible button, median of ${runs} alternating loads in Chromium:`);
  console.log(`  baseline (a bare shadow-root button): ${baseline.visible.toFixed(1)} ms`);
  const pad = '  widget.js:                           ';
  console.log(`${pad} ${widget.visible.toFixed(1)} ms (${ratio(widget.visible, baseline.visible)}, goal <= 1.3x)`);
  console.log(`click on the launcher to the dialog painted, CPU throttled ${throttle}x, median of ${runs}:`);
  console.log(`  baseline (a bare shadow-root dialog): ${baseline.painted.toFixed(1)} ms`);
  console.log(`${pad} ${widget.painted.toFixed(1)} ms (${ratio(widget.painted, baseline.painted)})`);
}
