import type { WidgetConfig } from './config.ts';
import { h } from './dom.ts';
import { TEXT } from './strings.ts';

export const themeClass = (theme: string) =>
  theme == 'dark' || (theme == 'auto' && matchMedia('(prefers-color-scheme: dark)').matches) ? 'r d' : 'r';

// A modal <dialog> makes the page inert, but Tab can still leave for the browser's own UI: wrap it at both ends.
function wrapTab(e: KeyboardEvent, dialog: HTMLElement) {
  const all = dialog.querySelectorAll<HTMLElement>('input:not([tabindex="-1"]),select,textarea,button,a');
  const edge = all[e.shiftKey ? 0 : all.length - 1];
  if ((dialog.getRootNode() as ShadowRoot).activeElement == edge) {
    e.preventDefault();
    all[e.shiftKey ? all.length - 1 : 0].focus();
  }
}

/** The launcher and the modal dialog shell; the native <dialog> brings the top layer, an inert page and Escape. */
export function overlay(cfg: WidgetConfig, slot: HTMLElement, open: (e: Event) => void, onClose: () => void) {
  const dialog = h(
    'dialog',
    {
      class: 'g',
      'aria-labelledby': 'bl-t',
      onClose,
      onKeydown: (e: KeyboardEvent) => e.key == 'Tab' && wrapTab(e, dialog),
    },
    h(
      'div',
      { class: 'b' },
      h(
        'div',
        { class: 't' },
        h('h2', { id: 'bl-t' }, cfg.label),
        h(
          'button',
          { type: 'button', class: 'x', 'aria-label': TEXT[cfg.lang].close, onClick: () => dialog.close() },
          '×',
        ),
      ),
      slot,
    ),
  ) as HTMLDialogElement;
  const root = h(
    'div',
    { class: themeClass(cfg.theme) },
    cfg.position != 'none' &&
      h('button', { type: 'button', class: 'p l', 'aria-haspopup': 'dialog', onClick: open }, cfg.label),
    dialog,
  );
  return { root, dialog };
}
