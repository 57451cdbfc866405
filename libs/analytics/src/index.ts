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
export { serverVersion, type ClickHouseExecutor, type ClickHouseServerVersion, type ClickHouseStreamFormat } from './clickhouse.executor';
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
  ATTRIBUTION_WINDOW_DAYS,
  CLICKHOUSE_TABLES,
  CONVERSION_COLUMNS,
  CONVERSION_REPORT_TIMES,
  CONVERSION_TYPE_BUCKETS,
  DEFAULT_CLICK_WINDOW_DAYS,
  DEFAULT_VIEW_WINDOW_DAYS,
  EVENT_COLUMN_NAMES,
  EVENT_COLUMNS,
  EVENT_TYPES,
  MAX_ATTRIBUTION_WINDOW_DAYS,
  ROLLUP_IVT_COLUMNS,
  ROLLUP_KEY_COLUMN_NAMES,
  ROLLUP_KEY_COLUMNS,
  ROLLUP_LEVELS,
  ROLLUP_SUM_COLUMNS,
  ROLLUP_TABLES,
  REACH_HOURLY_TABLES,
  ROLLUP_DAILY_TABLES,
  ROLLUP_LOCAL_DAILY_TABLES,
  ROLLUP_UNATTRIBUTED_COLUMNS,
  tableRef,
  type AttributionWindowDays,
  type ClickHouseTable,
  type ConversionReportTime,
  type ConversionTypeBucket,
  type EventColumn,
  type EventType,
  type RollupKeyColumn,
  type RollupLevel,
  type RollupMetricColumn,
} from './schema';
export {
  EVENT_INSERT_COLUMNS,
  EventRowError,
  decodeEventValuesRow,
  eventValuesRow,
  eventsInsert,
  existingEventIds,
  readEventValuesRow,
  type EventRow,
  type RenderedEventRow,
} from './events-writer';
export { GRANULARITIES, periodSql, type Granularity } from './period-sql';
export {
  attributedConversionsSql,
  attributionTouchSql,
  conversionBucketSql,
  type AttributedConversionsQuery,
  type AttributionTouchSql,
  type AttributionWindows,
} from './attribution-sql';
export { attributeHour, clickEventId, laterConversionHours, type AttributeHourOptions, type AttributeHourResult } from './attribution';
export {
  missingDailyRollupDaysSql,
  reachAdHourSql,
  reachParentHourSql,
  rollupAccountHourSql,
  rollupAdHourSql,
  rollupDaySql,
  rollupDayStatements,
  utcDaysOf,
  rollupHourStages,
  rollupHourStatements,
  rollupParentHourSql,
  rollupSql,
  dailyReadCoversRange,
  localDatesOf,
  localDaysCoverRange,
  localReachSql,
  rollupLocalDaySql,
  rollupLocalDayStatements,
  type RollupHour,
  type RollupLocalDays,
  type RollupMetricName,
  type RollupQuery,
} from './rollup-sql';
export { localDayStatementsFor, recomputeRollupHour, type AccountTimezone, type RecomputeHourOptions, type RecomputeHourResult } from './rollup-hour';
export { addDays, hasLocalDayRollups, isLocalMidnight, localDateOf, startOfLocalDay, timezoneOffsetMs, UTC_ZONES } from './local-days';
export { recomputeRollupRange, type RecomputeRangeOptions, type RecomputeRangeResult } from './rollup-range';
export { insertEvents, type RawEvent } from './raw-events';
export {
  SEGMENT_DIMENSIONS,
  SEGMENT_MEASURE_COLUMNS,
  segmentConversionsSql,
  segmentMeasuresSql,
  type SegmentConversionsQuery,
  type SegmentDimension,
  type SegmentQuery,
} from './segment-sql';
