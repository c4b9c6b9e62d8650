import { render } from 'preact';
import type { WidgetConfig } from './config.ts';
import { Dialog } from './dialog.tsx';
import { adopt, createHost } from './host.ts';
import type { Inquiry } from './inquiry.ts';
import { InquiryForm } from './inquiry-form.tsx';
import { createLauncher } from './launcher.ts';
import { TEXT } from './strings.ts';
import type { View } from './view.ts';

/** The launcher's view; its dialog exists once mount() has run. */
export interface Overlay extends View {
  dialog?: Dialog;
  /** Renders the dialog with its form the first time, and returns it. */
  mount(): Dialog;
}

/**
 * The launcher and the dialog with its form. The button is plain DOM, so the first paint waits for no render; Preact
 * draws the dialog only on mount(). The label follows the language unless data-label sets one.
 */
export function createOverlay(
  cfg: WidgetConfig,
  inq: Inquiry,
  theme: () => string,
  onOpen: (from: Element) => void,
  onClose: () => void,
): Overlay {
  const { host, root } = createHost(document.body, false);
  const box = root.appendChild(document.createElement('div'));
  const slot = box.appendChild(document.createElement('div'));
  const launcher = createLauncher(onOpen);
  let mounted = false;
  const view: Overlay = { host, inq, mount };

  function draw(focus?: string) {
    const text = TEXT[cfg.lang];
    const label = cfg.label || text.label;
    const cls = theme();
    if (box.className != cls) box.className = cls;
    if (cfg.position == 'none') launcher.remove();
    else if (launcher.parentNode != box) box.prepend(launcher);
    if (launcher.textContent != label) launcher.textContent = label;
    if (mounted)
      render(
        <Dialog control={(d) => (view.dialog = d)} label={label} closeLabel={text.close} onClose={onClose}>
          <InquiryForm inq={inq} />
        </Dialog>,
        slot,
      );
    if (focus) root.querySelector<HTMLElement>(focus)?.focus();
  }

  function mount() {
    if (!mounted) {
      mounted = true;
      adopt(root, true);
      draw();
    }
    return view.dialog!;
  }

  inq.listen(draw);
  draw();
  return view;
}
