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

/** Redis numbers its databases 0–15 by default. */
const REDIS_DATABASES = 16;

/**
 * The services' names one Vitest worker tests against (`worker` = VITEST_POOL_ID, 1 to
 * the number of workers), so that test files running at the same time in different
 * workers never share a Postgres database, a ClickHouse database, a Redis database or a
 * queue prefix (scripts/test-workers.mts prepares them). Worker 1 keeps the test
 * environment as given; worker k > 1 gets the same names with `_w<k>` (`-w<k>` inside the
 * queue prefix's braces) and the Redis database k − 1 above the given one.
 */
export function testWorkerEnv(env: Record<string, string | undefined>, worker: number): Record<string, string> {
  if (!Number.isInteger(worker) || worker < 1) throw new Error(`testWorkerEnv: worker must be a positive integer, got ${worker}`);
  const given = (name: string): string => env[name] || TEST_ENV_DEFAULTS[name]!;
  const base = {
    DATABASE_URL: given('DATABASE_URL'),
    REDIS_URL: given('REDIS_URL'),
    QUEUE_PREFIX: given('QUEUE_PREFIX'),
    CLICKHOUSE_DATABASE: given('CLICKHOUSE_DATABASE'),
  };
  if (worker === 1) return base;
  const suffix = `_w${worker}`;
  const postgres = new URL(base.DATABASE_URL);
  const database = decodeURIComponent(postgres.pathname.slice(1));
  if (!database) throw new Error(`testWorkerEnv: DATABASE_URL names no database: ${base.DATABASE_URL}`);
  postgres.pathname = `/${encodeURIComponent(database + suffix)}`;
  const redis = new URL(base.REDIS_URL);
  const redisDb = Number(redis.pathname.slice(1) || '0') + worker - 1;
  if (!Number.isInteger(redisDb) || redisDb >= REDIS_DATABASES) throw new Error(`testWorkerEnv: worker ${worker} would need Redis database ${redisDb} (REDIS_URL ${base.REDIS_URL}); Redis has ${REDIS_DATABASES}`);
  redis.pathname = `/${redisDb}`;
  const prefix = base.QUEUE_PREFIX;
  return {
    DATABASE_URL: postgres.toString(),
    REDIS_URL: redis.toString(),
    QUEUE_PREFIX: prefix.startsWith('{') && prefix.endsWith('}') ? `${prefix.slice(0, -1)}-w${worker}}` : `${prefix}-w${worker}`,
    CLICKHOUSE_DATABASE: base.CLICKHOUSE_DATABASE + suffix,
  };
}
