import { readConfig, type WidgetConfig } from './config.ts';
import { h } from './dom.ts';
import { formView } from './form.ts';
import { Inquiry } from './inquiry.ts';
import { overlay, themeClass } from './overlay.ts';
import { safe, warn } from './safe.ts';
import { createHost } from './styles.ts';

type Command = [string, ...unknown[]];
interface Api {
  (...args: Command): void;
  q?: Command[];
  loaded?: boolean;
}
interface View {
  inq: Inquiry;
  host: HTMLElement;
  mount: HTMLElement;
  slot: HTMLElement;
}

const PREFILL = ['topic', 'name', 'email', 'company', 'phone', 'message'] as const;

/** Boots once per page; a second copy of the script finds the first one's API and stops. */
export function start(script: HTMLScriptElement | null) {
  const w = window as unknown as { BeratenLassen?: Api; dataLayer?: unknown[] };
  if (w.BeratenLassen?.loaded) return;
  const queue: Command[] = [...(w.BeratenLassen?.q ?? [])];
  let ready = false;
  const api: Api = (...args) => (ready ? runSafe(args) : queue.push(args));
  api.loaded = true;
  w.BeratenLassen = api;

  const cfg: WidgetConfig = readConfig(
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

  const view = (parent: Node, style: Record<string, string>): View => {
    const v = { ...createHost(parent, style), slot: h('div') } as View;
    const draw = formView(
      v.slot,
      (v.inq = new Inquiry(
        cfg,
        safe((focus?: string) => draw(focus)),
        emit,
      )),
    );
    return v;
  };
  const paint = (v: View, root: HTMLElement) => {
    v.mount.replaceChildren(root);
    v.inq.draw();
  };

  let main: View;
  let dialog: HTMLDialogElement;
  let opener: HTMLElement | null = null;
  const drawMain = () => {
    if (dialog?.open) return main.inq.draw();
    const style = main.host.style;
    if (cfg.color) style.setProperty('--bl-accent', cfg.color);
    if (cfg.position != 'none') {
      for (const [name, value] of Object.entries({
        position: 'fixed',
        'z-index': '2147483647',
        bottom: '20px',
        [cfg.position == 'bottom-left' ? 'left' : 'right']: '20px',
      }))
        style.setProperty(name, value, 'important');
    }
    const built = overlay(cfg, main.slot, (e) => open({}, e.currentTarget as HTMLElement), safe(closed));
    dialog = built.dialog as HTMLDialogElement;
    paint(main, built.root);
  };

  function open(opts: Partial<Record<(typeof PREFILL)[number], string>>, from: Element | null) {
    const inq = main.inq;
    if (inq.status == 'done') inq.reset();
    for (const key of PREFILL) if (typeof opts[key] == 'string') inq.values[key] = opts[key];
    inq.draw();
    if (dialog.open) return;
    opener = (from ?? document.activeElement) as HTMLElement | null;
    dialog.showModal();
    dialog.querySelector<HTMLElement>('#bl-name')?.focus();
    inq.prime();
    emit('open', { topic: inq.values.topic || undefined });
  }
  function closed() {
    opener?.focus?.();
    opener = null;
    emit('close', {});
  }

  const inlines: View[] = [];
  const drawInline = (v: View) => paint(v, h('div', { class: `${themeClass(cfg.theme)} i` }, v.slot));
  // An SPA may swap the container on a route change: the detached form moves into the new one with everything typed.
  const scan = safe(() => {
    for (const target of document.querySelectorAll('[data-beraten-lassen]')) {
      if (target.querySelector(':scope>beraten-lassen')) continue;
      const orphan = inlines.find((v) => !v.host.isConnected);
      if (orphan) target.appendChild(orphan.host);
      else drawInline(inlines[inlines.push(view(target, {})) - 1]);
    }
  });

  function run([cmd, arg, fn]: Command) {
    const opts = (arg ?? {}) as Record<string, unknown>;
    if (cmd == 'open') open(opts, null);
    else if (cmd == 'close') dialog.close();
    else if (cmd == 'on' && typeof fn == 'function')
      (handlers[arg as string] ??= []).push(fn as (detail: unknown) => void);
    else if (cmd == 'set') {
      for (const key in opts) if (key in cfg) (cfg as unknown as Record<string, unknown>)[key] = opts[key];
      drawMain();
      inlines.forEach(drawInline);
    } else warn(`unknown command "${cmd}"`);
  }
  const runSafe = safe(run);

  const boot = safe(() => {
    main = view(document.body, {});
    drawMain();
    scan();
    new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true });
    // One delegated listener, so openers an SPA renders later work too.
    document.addEventListener(
      'click',
      safe((e: Event) => {
        const el = (e.target as Element).closest?.('[data-beraten-lassen-open]');
        if (!el) return;
        e.preventDefault();
        open({ topic: el.getAttribute('data-beraten-lassen-open') || undefined }, el);
      }),
    );
    ready = true;
    queue.splice(0).forEach(runSafe);
  });
  if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
}
