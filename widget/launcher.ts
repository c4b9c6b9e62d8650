import { safe } from './safe.ts';

/** The floating button that opens the dialog: plain DOM, so it paints before Preact has run at all. */
export function createLauncher(onOpen: (from: Element) => void): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'p l';
  button.setAttribute('aria-haspopup', 'dialog');
  button.onclick = safe(() => onOpen(button));
  return button;
}
