import { Component, type ComponentChildren } from 'preact';

interface DialogProps {
  /** Receives the instance, so the page can call show(). */
  control: (dialog: Dialog) => void;
  label: string;
  closeLabel: string;
  onClose: () => void;
  children: ComponentChildren;
}

// A modal <dialog> makes the page inert, but Tab can still leave for the browser's own UI: wrap it at both ends.
function wrapTab(e: KeyboardEvent, dialog: HTMLElement) {
  const all = dialog.querySelectorAll<HTMLElement>('input:not([tabindex="-1"]),select,textarea,button,a');
  const edge = all[e.shiftKey ? 0 : all.length - 1];
  if ((dialog.getRootNode() as ShadowRoot).activeElement == edge) {
    e.preventDefault();
    all[e.shiftKey ? all.length - 1 : 0].focus();
  }
}

/** The native modal <dialog> (top layer, inert page, Escape); show() opens it, closing returns focus to the opener. */
export class Dialog extends Component<DialogProps> {
  el!: HTMLDialogElement;
  private opener: HTMLElement | null = null;

  constructor(props: DialogProps) {
    super(props);
    props.control(this);
  }

  /** Opens the dialog and focuses the first field; false when it was open already. */
  show(from: Element | null): boolean {
    const el = this.el;
    if (el.open) return false;
    this.opener = (from ?? document.activeElement) as HTMLElement | null;
    el.showModal();
    el.querySelector<HTMLElement>('#bl-name')?.focus();
    return true;
  }

  closed = () => {
    this.opener?.focus?.();
    this.opener = null;
    this.props.onClose();
  };

  render({ label, closeLabel, children }: DialogProps) {
    return (
      <dialog
        class="g"
        aria-labelledby="bl-t"
        ref={(el) => void (el && (this.el = el))}
        onClose={this.closed}
        onKeyDown={(e) => e.key == 'Tab' && wrapTab(e, this.el)}
      >
        <div class="b">
          <div class="t">
            <h2 id="bl-t">{label}</h2>
            <button type="button" class="x" aria-label={closeLabel} onClick={() => this.el.close()}>
              ×
            </button>
          </div>
          {children}
        </div>
      </dialog>
    );
  }
}
