import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// `npm run build:web` writes web/dist, which the API serves; `npm run dev:web` serves the app with
// hot reload and hands /api to the API on port 3000, so cookies stay same-origin.
export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 300 },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
