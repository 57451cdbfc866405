import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { workspaceAliases, workspaceRoot } from '../../scripts/workspace-aliases.mts';
import { initialBundleReport } from './initial-bundle.mts';

/** In development the API runs on its own port; in production it serves this app on the same origin. */
const apiTarget = 'http://127.0.0.1:3000';
const apiProxy = Object.fromEntries(['/v5', '/health', '/docs'].map((prefix) => [prefix, { target: apiTarget }]));

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), initialBundleReport()],
  resolve: { alias: workspaceAliases() },
  build: {
    outDir: resolve(workspaceRoot, 'dist/apps/web'),
    emptyOutDir: true,
    sourcemap: true,
    // AG Grid's chunk (~220 KB gzipped) is loaded only by the grid screens; the initial bundle is reported separately.
    chunkSizeWarningLimit: 900,
  },
  server: { proxy: apiProxy },
  preview: { proxy: apiProxy },
});
