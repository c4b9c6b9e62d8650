import { defineConfig } from 'vite';

// One self-contained IIFE: the host page loads a single file with no chunks, no CSS file and no eval.
export default defineConfig({
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
