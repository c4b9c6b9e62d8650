import { defineConfig, type Plugin } from 'vite';

// Preact can parse HTML through `dangerouslySetInnerHTML`; the widget never uses it, so that path is cut from the
// bundle: no HTML sink ships at all, and the prop is swallowed instead of applied.
const HTML_PATH =
  /(\w)\?\(\w\|\|\w&&\(\1\.__html==\w\.__html\|\|\1\.__html==\w\.innerHTML\)\|\|\(\w\.innerHTML=\1\.__html\),\w\.__k=\[\]\):/;

function noHtmlSink(): Plugin {
  return {
    name: 'no-html-sink',
    transform(code, id) {
      if (!/preact[\\/]dist[\\/]preact\.mjs$/.test(id)) return null;
      if (!HTML_PATH.test(code))
        throw new Error("Preact's dangerouslySetInnerHTML code changed: update HTML_PATH in vite.config.ts");
      return { code: code.replace(HTML_PATH, ''), map: null };
    },
  };
}

// One self-contained IIFE: the host page loads a single file with no chunks, no CSS file and no eval.
export default defineConfig({
  plugins: [noHtmlSink()],
  // development: false, or a test run (NODE_ENV=test) would build jsxDEV calls carrying source file paths.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact', development: false } },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    copyPublicDir: false,
    lib: { entry: 'widget/main.ts', formats: ['iife'], name: 'BeratenLassenWidget', fileName: () => 'widget.js' },
    rolldownOptions: { output: { codeSplitting: false } },
  },
});
