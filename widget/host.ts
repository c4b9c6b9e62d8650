import type { WidgetConfig } from './config.ts';
import { DIALOG_CSS, LAUNCHER_CSS } from './styles.ts';

const sheets: CSSStyleSheet[] = [];

/** The launcher's stylesheet, and with `all` the dialog's and form's after it; each is parsed once, when first asked for. */
export function adopt(root: ShadowRoot, all: boolean) {
  // A constructable stylesheet passes a strict style-src, where a style element would be blocked.
  [LAUNCHER_CSS, DIALOG_CSS].forEach((css, i) => {
    if (!sheets[i] && (all || !i)) (sheets[i] = new CSSStyleSheet()).replaceSync(css);
  });
  root.adoptedStyleSheets = all ? sheets : sheets.slice(0, 1);
}

/** A shadow host immune to host-page CSS: inline !important beats even `* { all: unset !important }`. */
export function createHost(parent: Node, all = true): { host: HTMLElement; root: ShadowRoot } {
  const host = document.createElement('beraten-lassen');
  const root = host.attachShadow({ mode: 'open' });
  adopt(root, all);
  place(host, { position: 'none' });
  parent.appendChild(host);
  return { host, root };
}

/** Pins the launcher's host to a corner; `all: initial` comes first and clears the previous position's properties. */
export function place(host: HTMLElement, cfg: Partial<Pick<WidgetConfig, 'position' | 'color'>>) {
  const style = host.style;
  const set: Record<string, string> = { all: 'initial', display: 'block' };
  if (cfg.position != 'none')
    Object.assign(set, {
      position: 'fixed',
      'z-index': '2147483647',
      bottom: '20px',
      [cfg.position == 'bottom-left' ? 'left' : 'right']: '20px',
    });
  for (const name in set) style.setProperty(name, set[name], 'important');
  if (cfg.color) style.setProperty('--bl-accent', cfg.color);
}
