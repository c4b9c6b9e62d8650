import type { WidgetConfig } from './config.ts';
import { CSS } from './styles.ts';

let sheet: CSSStyleSheet | undefined;

/** A shadow host immune to host-page CSS: inline !important beats even `* { all: unset !important }`. */
export function createHost(parent: Node): { host: HTMLElement; root: ShadowRoot } {
  const host = document.createElement('beraten-lassen');
  const root = host.attachShadow({ mode: 'open' });
  // A constructable stylesheet passes a strict style-src, where a style element would be blocked.
  if (!sheet) (sheet = new CSSStyleSheet()).replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];
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
