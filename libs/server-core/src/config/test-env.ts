/**
 * The environment tests run against: Loupe's test databases on the local services
 * (scripts/test.sh exports the same values). Values already set in the environment win.
 */
export const TEST_ENV_DEFAULTS: Record<string, string> = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  DATABASE_URL: 'postgres://loupe:loupe@127.0.0.1:5432/loupe_test',
  REDIS_URL: 'redis://127.0.0.1:6379/1',
  QUEUE_PREFIX: '{loupe-test}',
  CLICKHOUSE_DATABASE: 'loupe_test',
  // Tests share one Postgres but each ClickHouse database is its own: a worker's periodic
  // local-days job would mark other tests' accounts complete from its own (empty) database.
  LOCAL_DAYS_SYNC_SECONDS: '0',
};

export function testEnv(overrides: Record<string, string> = {}): Record<string, string | undefined> {
  return { ...TEST_ENV_DEFAULTS, ...process.env, ...overrides };
}
