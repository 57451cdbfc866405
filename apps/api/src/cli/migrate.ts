import 'reflect-metadata';
import { resolve } from 'node:path';
import { createClickHouseHttpExecutor, runClickHouseMigrations } from '@loupe/analytics';
import { createLogger, loadConfig, postgresOptions, type LoupeConfig } from '@loupe/server-core';
import { DataSource } from 'typeorm';

const ROOT = resolve(__dirname, '../../../..');
/** Any constant works; it only has to be the same for every migrator. */
const MIGRATION_LOCK = 7_349_112;

/**
 * Applies pending Postgres (TypeORM) and ClickHouse migrations. Safe to run twice and
 * concurrently: Postgres migrators queue on an advisory lock; the ClickHouse runner is
 * idempotent by design (see libs/analytics/README.md).
 */
export async function migrate(config: LoupeConfig): Promise<void> {
  const log = createLogger(config, 'migrate');
  const dataSource = new DataSource({
    ...postgresOptions(config),
    migrations: [resolve(ROOT, 'migrations/postgres/*.ts')],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
  });
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations();
    log.info({ applied: applied.map((m) => m.name) }, `postgres: ${applied.length} migration(s) applied`);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }

  const clickhouse = createClickHouseHttpExecutor({
    url: config.clickhouse.url,
    username: config.clickhouse.user,
    password: config.clickhouse.password,
  });
  try {
    const { applied } = await runClickHouseMigrations(clickhouse, {
      database: config.clickhouse.database,
      dir: resolve(ROOT, 'migrations/clickhouse'),
    });
    log.info({ applied }, `clickhouse: ${applied.length} migration(s) applied`);
  } finally {
    await clickhouse.close();
  }
}

if (require.main === module) {
  migrate(loadConfig()).catch((err: unknown) => {
    process.stderr.write(`Migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
