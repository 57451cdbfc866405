/**
 * How many test files run at once: LOUPE_TEST_WORKERS Vitest workers (1–8, default 2).
 * Most of a test file's time is spent waiting on PostgreSQL, ClickHouse, Redis, child
 * processes and timers, so two of them keep a 2-core machine busier than one. Each worker
 * has services of its own (`testWorkerEnv`, libs/server-core/src/config/test-env.ts), set
 * by scripts/vitest-worker-env.ts before a test file loads and prepared by
 * scripts/vitest-global-setup.ts.
 */
export function testWorkers(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.LOUPE_TEST_WORKERS;
  if (given === undefined || given === '') return 2;
  const n = Number(given);
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new Error(`LOUPE_TEST_WORKERS must be a whole number from 1 to 8, got "${given}"`);
  return n;
}
