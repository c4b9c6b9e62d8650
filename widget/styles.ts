// Hand-minified: the whole widget has a 10 KB brotli budget. Pixel sizes only, so a host's root font-size cannot shrink it.
// Theming hooks (documented in widget/README.md): --bl-accent, --bl-accent-text, --bl-bg, --bl-fg, --bl-border, --bl-error, --bl-radius, --bl-font.

// The launcher's rules alone, adopted first: the button paints before the dialog's and form's rules are parsed.
export const LAUNCHER_CSS = `:host{all:initial}
.r{--A:var(--bl-accent,#0b5cad);--T:var(--bl-accent-text,#fff);--B:var(--bl-bg,#fff);--F:var(--bl-fg,#1d2430);--M:var(--bl-border,#4a5462);--E:var(--bl-error,#b3261e);--R:var(--bl-radius,12px);font:16px/1.5 var(--bl-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);color:var(--F);text-align:left}
.d{--A:var(--bl-accent,#7db8ff);--T:var(--bl-accent-text,#0b1220);--B:var(--bl-bg,#1b1e23);--F:var(--bl-fg,#eef1f5);--M:var(--bl-border,#aab3c0);--E:var(--bl-error,#ffb4ab)}
.r *{box-sizing:border-box;margin:0}
input,select,textarea,button{font:inherit;color:inherit}
button{cursor:pointer;border:0;background:none;padding:0}
.p{background:var(--A);color:var(--T);font-weight:600;border-radius:6px;padding:10px 22px;min-height:44px}
:focus-visible{outline:3px solid var(--A);outline-offset:2px}
.l{box-shadow:0 4px 14px #0005;border-radius:99px;padding:12px 22px}`;

// The dialog's and the form's rules; adopted after LAUNCHER_CSS, so the cascade keeps the order of one sheet.
export const DIALOG_CSS = `.i{background:var(--B);padding:20px;border-radius:var(--R)}
h2{font-size:22px;line-height:1.3;font-weight:700}
h3{font-size:20px;font-weight:700}
form,.k{display:grid;gap:14px}
.f{display:grid;gap:4px}
label{font-weight:600;font-size:15px}
input,select,textarea{background:var(--B);border:1px solid var(--M);border-radius:6px;padding:9px 12px;min-height:44px;width:100%}
textarea{min-height:120px;resize:vertical}
[aria-invalid=true]{border:2px solid var(--E)}
.e{color:var(--E);font-size:14px}
.n{font-size:14px}
.c{display:flex;gap:10px;align-items:flex-start;font-weight:400;min-height:44px;padding:10px 0}
.c input{width:22px;height:22px;min-height:0;padding:0;margin:1px 0 0;flex:none;accent-color:var(--A)}
.s{display:flex;flex-wrap:wrap;align-items:center;gap:8px 20px}
a{color:var(--A);display:inline-flex;align-items:center;min-height:44px;text-decoration:underline}
.z{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}
.g{border:0;padding:0;margin:auto;width:min(560px,calc(100vw - 32px));max-width:100%;max-height:calc(100vh - 32px);background:var(--B);border-radius:var(--R);box-shadow:0 10px 40px #0006;color:var(--F);overflow:auto;animation:bl .2s ease-out}
.g::backdrop{background:#0b122099}
.b{padding:20px 24px 24px;display:grid;gap:16px}
.t{display:flex;justify-content:space-between;align-items:center;gap:12px}
.x{width:44px;height:44px;font-size:28px;line-height:1;border-radius:6px;flex:none}
@keyframes bl{from{opacity:0;transform:translateY(12px)}}
@media(prefers-reduced-motion:reduce){.g{animation:none}}
@media(max-width:479.98px){.g{width:100%;height:100%;max-height:100%;border-radius:0}}`;
