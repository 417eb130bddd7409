// Vite build of the public web site (Svelte) into web/dist, which the server serves at `/`.
// `npm run dev:web` serves it with hot reload and proxies the API to a server on :8787.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.CROSSFORK_SERVER ?? 'http://127.0.0.1:8787';

export default defineConfig({
  root,
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', target: 'es2022', reportCompressedSize: false },
  server: { proxy: { '/v1': api, '/healthz': api, '/openapi.json': api } },
});
