import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { createClickHouseHttpExecutor, lit, runClickHouseMigrations, sql, type ClickHouseExecutor } from '@loupe/analytics';
import type { LoupeConfig } from '@loupe/server-core';

/**
 * A throwaway ClickHouse database for one benchmark run on the configured server:
 * created and migrated with the repository's migrations (runClickHouseMigrations),
 * dropped by `drop()`. Long statements (bulk loads, raw scans) get a long timeout.
 */
export interface BenchClickHouse {
  database: string;
  executor: ClickHouseExecutor;
  drop(): Promise<void>;
}

/** An existing benchmark database (kept by an earlier run), migrated to the current files; `drop()` drops it too. */
export async function openClickHouseDatabase(config: LoupeConfig, database: string): Promise<BenchClickHouse> {
  if (!/^loupe_bench_[a-z0-9_]+$/.test(database)) throw new Error(`not a benchmark database: ${database}`);
  const executor = createClickHouseHttpExecutor({
    url: config.clickhouse.url,
    username: config.clickhouse.user,
    password: config.clickhouse.password,
    requestTimeoutMs: 1_800_000,
  });
  await runClickHouseMigrations(executor, { database, dir: resolve(__dirname, '../migrations/clickhouse') });
  return {
    database,
    executor,
    drop: async () => {
      try {
        await executor.command(sql`DROP DATABASE IF EXISTS ${lit.databaseName(database)}`);
      } finally {
        await executor.close();
      }
    },
  };
}

export async function createClickHouseDatabase(config: LoupeConfig, prefix: string): Promise<BenchClickHouse> {
  const database = `loupe_bench_${prefix}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const executor = createClickHouseHttpExecutor({
    url: config.clickhouse.url,
    username: config.clickhouse.user,
    password: config.clickhouse.password,
    requestTimeoutMs: 1_800_000,
  });
  try {
    await runClickHouseMigrations(executor, { database, dir: resolve(__dirname, '../migrations/clickhouse') });
  } catch (error) {
    await executor.command(sql`DROP DATABASE IF EXISTS ${lit.databaseName(database)}`).catch(() => undefined);
    await executor.close();
    throw error;
  }
  return {
    database,
    executor,
    drop: async () => {
      try {
        await executor.command(sql`DROP DATABASE IF EXISTS ${lit.databaseName(database)}`);
      } finally {
        await executor.close();
      }
    },
  };
}
