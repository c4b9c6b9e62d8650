import type { VNode } from 'preact';
import type { WidgetConfig } from './config.ts';
import { place } from './host.ts';
import { type Emit, Inquiry } from './inquiry.ts';
import { InquiryForm } from './inquiry-form.tsx';
import { createOverlay } from './overlay.tsx';
import { safe } from './safe.ts';
import { createView, type View } from './view.ts';

const PREFILL = ['topic', 'name', 'email', 'company', 'phone', 'message'] as const;
export type Prefill = Partial<Record<(typeof PREFILL)[number], string>>;

export interface Page {
  open(opts: Prefill, from: Element | null): void;
  close(): void;
  /** Re-renders every view after a configuration change. */
  redraw(): void;
}

/** Mounts the launcher with its dialog and every inline form, and keeps them on the page whatever the page does. */
export function mountPage(cfg: WidgetConfig, emit: Emit): Page {
  const views: View[] = [];
  // Asked only once a theme is 'auto': a light or dark page needs no media query and no listener.
  let dark: MediaQueryList | undefined;
  const theme = () => {
    if (cfg.theme == 'auto' && !dark) (dark = matchMedia('(prefers-color-scheme: dark)')).onchange = safe(redraw);
    return cfg.theme == 'dark' || (cfg.theme == 'auto' && dark!.matches) ? 'r d' : 'r';
  };
  const view = (parent: Node, tree: (inq: Inquiry) => VNode) => {
    const inq = new Inquiry(cfg, emit);
    const v = createView(parent, inq, () => tree(inq));
    views.push(v);
    return v;
  };

  const main = createOverlay(
    cfg,
    new Inquiry(cfg, emit),
    theme,
    (from) => open({}, from),
    () => emit('close', {}),
  );
  views.push(main);
  const inline = (inq: Inquiry) => (
    <div class={`${theme()} i`}>
      <InquiryForm inq={inq} />
    </div>
  );

  const attach = () => {
    // Turbo Drive and the like replace <body>: the launcher's host moves into the new one, with everything typed.
    if (!main.host.isConnected) {
      if (main.dialog?.el.open) main.dialog.el.close();
      document.body.append(main.host);
    }
    // A page snapshot (Turbo's cache) clones hosts without their shadow roots: only our own hosts stay.
    for (const el of document.querySelectorAll('beraten-lassen')) if (!views.some((v) => v.host == el)) el.remove();
    // An SPA may swap an inline container on a route change: the detached form moves into the new one.
    for (const target of document.querySelectorAll('[data-beraten-lassen]')) {
      if (target.querySelector(':scope>beraten-lassen')) continue;
      const orphan = views.find((v) => v != main && !v.host.isConnected);
      if (orphan) target.appendChild(orphan.host);
      else view(target, inline);
    }
  };

  function open(opts: Prefill, from: Element | null) {
    attach();
    const inq = main.inq;
    const dialog = main.mount();
    if (inq.status == 'done') inq.reset();
    for (const key of PREFILL) if (typeof opts[key] == 'string') inq.values[key] = opts[key];
    inq.draw();
    if (!dialog.show(from)) return;
    inq.prime();
    emit('open', { topic: inq.values.topic || undefined });
  }

  // The host's placement is set here, not in render: re-setting `all: initial` on every keystroke would restyle it.
  function redraw() {
    place(main.host, cfg);
    for (const v of views) v.inq.draw();
  }
  place(main.host, cfg);
  // The dialog and its form are drawn after the launcher's first paint, or at once when something opens it.
  requestAnimationFrame(() => setTimeout(safe(main.mount)));
  attach();
  new MutationObserver(safe(attach)).observe(document.documentElement, { childList: true, subtree: true });
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
  return { open, close: () => main.dialog?.el.close(), redraw };
}
