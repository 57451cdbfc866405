import { describe, expect, it } from 'vitest';
import { TEST_ENV_DEFAULTS, testWorkerEnv } from './test-env';

describe('testWorkerEnv', () => {
  it('leaves the first worker on the test environment as given, defaults for what is unset', () => {
    expect(testWorkerEnv({ DATABASE_URL: 'postgres://u:p@db:5432/ci_test' }, 1)).toEqual({
      DATABASE_URL: 'postgres://u:p@db:5432/ci_test',
      REDIS_URL: TEST_ENV_DEFAULTS.REDIS_URL,
      QUEUE_PREFIX: TEST_ENV_DEFAULTS.QUEUE_PREFIX,
      CLICKHOUSE_DATABASE: TEST_ENV_DEFAULTS.CLICKHOUSE_DATABASE,
    });
  });

  it('gives every other worker names of its own on every service', () => {
    expect(testWorkerEnv({}, 2)).toEqual({
      DATABASE_URL: 'postgres://loupe:loupe@127.0.0.1:5432/loupe_test_w2',
      REDIS_URL: 'redis://127.0.0.1:6379/2',
      QUEUE_PREFIX: '{loupe-test-w2}',
      CLICKHOUSE_DATABASE: 'loupe_test_w2',
    });
    const given = { DATABASE_URL: 'postgres://u:p@db:6543/t?sslmode=disable', REDIS_URL: 'redis://:secret@cache:6380', QUEUE_PREFIX: 'ci', CLICKHOUSE_DATABASE: 'ch' };
    expect(testWorkerEnv(given, 3)).toEqual({
      DATABASE_URL: 'postgres://u:p@db:6543/t_w3?sslmode=disable',
      REDIS_URL: 'redis://:secret@cache:6380/2',
      QUEUE_PREFIX: 'ci-w3',
      CLICKHOUSE_DATABASE: 'ch_w3',
    });
  });

  it('never gives two workers the same name', () => {
    const workers = [1, 2, 3, 4].map((w) => testWorkerEnv({}, w));
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'QUEUE_PREFIX', 'CLICKHOUSE_DATABASE'] as const) {
      expect(new Set(workers.map((w) => w[name])).size).toBe(4);
    }
  });

  it('refuses a worker number it cannot place', () => {
    expect(() => testWorkerEnv({}, 0)).toThrow(/positive integer/);
    expect(() => testWorkerEnv({ REDIS_URL: 'redis://127.0.0.1:6379/14' }, 3)).toThrow(/Redis database 16/);
    expect(() => testWorkerEnv({ DATABASE_URL: 'postgres://u@db:5432' }, 2)).toThrow(/names no database/);
  });
});
