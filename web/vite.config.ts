import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// `npm run build:web` writes web/dist, which the API serves; `npm run dev:web` serves the app with
// hot reload and hands /api to the API on port 3000, so cookies stay same-origin.
export default defineConfig({
  root,
  plugins: [react()],
  // The budget that counts is the gzipped JS of the first load (250 KB), measured by npm run bench:web;
  // Vite's own warning looks at one chunk's minified size.
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 400,
    // One chunk per language holding every feature's strings (web/src/i18n/i18n.ts loads it): one
    // request when a language is chosen rather than one per feature.
    rollupOptions: {
      output: {
        manualChunks(id) {
          const language = /\/locales\/(en|th|zh)\.json$/.exec(id)?.[1];
          return language && `strings-${language}`;
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
