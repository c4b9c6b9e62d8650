/** The floating button that opens the dialog. */
export const Launcher = ({ label, onOpen }: { label: string; onOpen: (e: { currentTarget: Element }) => void }) => (
  <button type="button" class="p l" aria-haspopup="dialog" onClick={onOpen}>
    {label}
  </button>
);
