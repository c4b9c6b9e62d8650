import { defineConfig } from 'vite';
import { trimPreact } from './widget/build/trim-preact.ts';

// One self-contained IIFE: the host page loads a single file with no chunks, no CSS file and no eval.
export default defineConfig({
  plugins: [trimPreact()],
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
