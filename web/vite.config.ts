import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// The console is built once and served by the station itself (src/station/api/app.ts):
// everything it needs, map shapes included, is in web/dist.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, reportCompressedSize: false },
  // The station serves HTTPS: the proxy trusts its certificate (or the operator's CA) from HOTLINE_CA, as the CLI does.
  server: {
    proxy: {
      '/v1': {
        target: process.env.HOTLINE_URL ?? 'https://127.0.0.1:7700',
        ws: true,
        ...(process.env.HOTLINE_CA ? { agent: new Agent({ ca: readFileSync(process.env.HOTLINE_CA) }) } : {}),
      },
    },
  },
});
