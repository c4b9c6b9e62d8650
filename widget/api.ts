import { readConfig } from './config.ts';
import { mountPage, type Page, type Prefill } from './page.tsx';
import { safe, warn } from './safe.ts';

type Command = [string, ...unknown[]];
interface Api {
  (...args: Command): void;
  q?: Command[];
  loaded?: boolean;
}

/** The public API: replays the stub's queue, runs commands, fires events; a second copy of the script stops here. */
export function start(script: HTMLScriptElement | null) {
  const w = window as unknown as { BeratenLassen?: Api; dataLayer?: unknown[] };
  if (w.BeratenLassen?.loaded) return;
  const queue: Command[] = [...(w.BeratenLassen?.q ?? [])];
  let page: Page | undefined;
  const api: Api = (...args) => (page ? runSafe(args) : queue.push(args));
  api.loaded = true;
  w.BeratenLassen = api;

  const cfg = readConfig(
    (name) => script?.dataset[name],
    script?.src ?? '',
    location.href,
    document.documentElement.lang,
  );
  if (!cfg.privacyUrl)
    return warn(
      'data-privacy-url is missing or not an http(s) URL; add it to the script tag. Until then the widget shows nothing.',
    );

  const handlers: Record<string, ((detail: unknown) => void)[]> = {};
  const emit = (event: string, detail: Record<string, unknown>) => {
    dispatchEvent(new CustomEvent(`beraten-lassen:${event}`, { detail }));
    for (const fn of handlers[event] ?? []) safe(fn)(detail);
    if (cfg.dataLayer) (w.dataLayer ??= []).push({ event: `beraten-lassen:${event}`, ...detail });
  };

  const run = ([cmd, arg, fn]: Command) => {
    const opts = (arg ?? {}) as Record<string, unknown>;
    if (cmd == 'open') page!.open(opts as Prefill, null);
    else if (cmd == 'close') page!.close();
    else if (cmd == 'on' && typeof fn == 'function')
      (handlers[arg as string] ??= []).push(fn as (detail: unknown) => void);
    else if (cmd == 'set') {
      for (const key in opts) if (key in cfg) (cfg as unknown as Record<string, unknown>)[key] = opts[key];
      page!.redraw();
    } else warn(`unknown command "${cmd}"`);
  };
  const runSafe = safe(run);

  const boot = safe(() => {
    page = mountPage(cfg, emit);
    queue.splice(0).forEach(runSafe);
  });
  if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
}
