import type { VNode } from 'preact';
import type { WidgetConfig } from './config.ts';
import type { Dialog } from './dialog.tsx';
import { place } from './host.ts';
import { type Emit, Inquiry } from './inquiry.ts';
import { InquiryForm } from './inquiry-form.tsx';
import { Overlay } from './overlay.tsx';
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
  const dark = matchMedia('(prefers-color-scheme: dark)');
  const theme = () => (cfg.theme == 'dark' || (cfg.theme == 'auto' && dark.matches) ? 'r d' : 'r');
  const view = (parent: Node, tree: (inq: Inquiry) => VNode) => {
    const inq = new Inquiry(cfg, emit);
    const v = createView(parent, inq, () => tree(inq));
    views.push(v);
    return v;
  };

  let dialog: Dialog;
  // The form in the closed dialog is drawn after the launcher's first paint, or at once when the dialog opens.
  let formed = false;
  const main = view(document.body, (inq) => (
    <Overlay
      cfg={cfg}
      inq={inq}
      theme={theme()}
      formed={formed}
      onOpen={(e) => open({}, e.currentTarget)}
      control={(d) => (dialog = d)}
      onClose={() => emit('close', {})}
    />
  ));
  const inline = (inq: Inquiry) => (
    <div class={`${theme()} i`}>
      <InquiryForm inq={inq} />
    </div>
  );

  const attach = () => {
    // Turbo Drive and the like replace <body>: the launcher's host moves into the new one, with everything typed.
    if (!main.host.isConnected) {
      if (dialog.el.open) dialog.el.close();
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
    formed = true;
    if (inq.status == 'done') inq.reset();
    for (const key of PREFILL) if (typeof opts[key] == 'string') inq.values[key] = opts[key];
    inq.draw();
    if (!dialog.show(from)) return;
    inq.prime();
    emit('open', { topic: inq.values.topic || undefined });
  }

  // The host's placement is set here, not in render: re-setting `all: initial` on every keystroke would restyle it.
  const redraw = () => {
    place(main.host, cfg);
    for (const v of views) v.inq.draw();
  };
  place(main.host, cfg);
  dark.onchange = safe(redraw);
  requestAnimationFrame(() =>
    setTimeout(
      safe(() => {
        formed = true;
        main.inq.draw();
      }),
    ),
  );
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
  return { open, close: () => dialog.el.close(), redraw };
}
