import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// The console is built once and served by the station itself (src/station/api/app.ts):
// everything it needs, map shapes included, is in web/dist.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, reportCompressedSize: false },
  server: { proxy: { '/v1': { target: process.env.HOTLINE_URL ?? 'http://127.0.0.1:7700', ws: true } } },
});
