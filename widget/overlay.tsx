import type { WidgetConfig } from './config.ts';
import { Dialog } from './dialog.tsx';
import type { Inquiry } from './inquiry.ts';
import { InquiryForm } from './inquiry-form.tsx';
import { Launcher } from './launcher.tsx';
import { TEXT } from './strings.ts';

interface OverlayProps {
  cfg: WidgetConfig;
  inq: Inquiry;
  theme: string;
  /** False until the form is first needed: the launcher paints without waiting for it. */
  formed: boolean;
  onOpen: (e: { currentTarget: Element }) => void;
  control: (dialog: Dialog) => void;
  onClose: () => void;
}

/** The launcher and the dialog with its form; the label follows the language unless data-label sets one. */
export function Overlay({ cfg, inq, theme, formed, onOpen, control, onClose }: OverlayProps) {
  const text = TEXT[cfg.lang];
  const label = cfg.label || text.label;
  return (
    <div class={theme}>
      {cfg.position != 'none' && <Launcher label={label} onOpen={onOpen} />}
      <Dialog control={control} label={label} closeLabel={text.close} onClose={onClose}>
        {formed && <InquiryForm inq={inq} />}
      </Dialog>
    </div>
  );
}
