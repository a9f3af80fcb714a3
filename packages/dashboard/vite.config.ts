import { defineConfig } from 'vite';

// Served by `sekisho server` under /ui/: every asset path is relative to it. No request leaves for
// another origin: fonts, icons and charts are bundled.
export default defineConfig({
  root: import.meta.dirname,
  base: '/ui/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022', chunkSizeWarningLimit: 400 },
  resolve: { conditions: ['@sekisho/source'] },
});
