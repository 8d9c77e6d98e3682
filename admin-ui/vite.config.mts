import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The dashboard is served by the Nest app: index.html at /admin/*, bundles under /admin/assets/.
export default defineConfig({
  root,
  base: '/admin/',
  publicDir: false,
  // Vite 8 transforms TS/JSX with Oxc (its `esbuild` option is deprecated); Preact's automatic runtime, no plugin.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    // Every module-preload browser we support has native support; the polyfill is not needed.
    modulePreload: { polyfill: false },
    // Never inline assets as data: URLs into JS/CSS; everything is a same-origin file (CSP friendly).
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npx vite --config admin-ui/vite.config.ts` for UI work against an API on :8000.
    proxy: { '/auth': 'http://127.0.0.1:8000', '/health': 'http://127.0.0.1:8000' },
  },
});
