export {
  lit,
  sql,
  SqlFragment,
  SqlLiteralError,
  type DateInput,
  type DateTimeInput,
  type IntInput,
  type IntType,
  type ScalarInput,
  type ScalarType,
} from './sql-literal';
export { ClickHouseError, ClickHouseErrorCode } from './clickhouse-error';
export { serverVersion, type ClickHouseExecutor, type ClickHouseServerVersion } from './clickhouse.executor';
export { createClickHouseHttpExecutor, type ClickHouseHttpOptions } from './clickhouse.client';
export { openChdbExecutor, type ChdbExecutorOptions } from './chdb.executor';
export { splitSqlStatements, normaliseStatement, SqlScriptError } from './sql-script';
export {
  ClickHouseMigrationError,
  loadClickHouseMigrations,
  MIGRATION_FILE_NAME,
  runClickHouseMigrations,
  type ClickHouseMigration,
  type ClickHouseMigrationReport,
  type MigrationLogger,
  type RunClickHouseMigrationsOptions,
} from './clickhouse-migrator';
export {
  CLICKHOUSE_TABLES,
  EVENT_COLUMN_NAMES,
  EVENT_COLUMNS,
  EVENT_TYPES,
  tableRef,
  type ClickHouseTable,
  type EventColumn,
  type EventType,
} from './schema';
export {
  EVENT_INSERT_COLUMNS,
  EventRowError,
  eventValuesRow,
  eventsInsert,
  existingEventIds,
  type EventRow,
} from './events-writer';
