/** Runs every project's tests in one Vitest process (see scripts/test.sh). */
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: resolve(import.meta.dirname, '..'),
  test: {
    projects: ['apps/*/vitest.config.mts', 'apps/web/e2e/vitest.config.mts', 'libs/*/vitest.config.mts', 'bench/vitest.config.mts'],
  },
});
