/** Runs every project's tests in one Vitest process (see scripts/test.sh). */
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { testWorkers } from './test-workers.mts';

export default defineConfig({
  root: resolve(import.meta.dirname, '..'),
  test: {
    projects: ['apps/*/vitest.config.mts', 'apps/web/e2e/vitest.config.mts', 'libs/*/vitest.config.mts', 'bench/vitest.config.mts', 'bench/vitest.benchmarks.config.mts'],
    // Files run this many at a time, each worker on services of its own (scripts/test-workers.mts).
    maxWorkers: testWorkers(),
    globalSetup: [resolve(import.meta.dirname, 'vitest-global-setup.ts')],
  },
});
