import { lit, sql, type SqlFragment } from './sql-literal';

/**
 * ClickHouse schema constants: the allow-lists identifiers are checked
 * against. They mirror migrations/clickhouse; a test compares them with the
 * tables the migrations create, on both engines.
 */

export const CLICKHOUSE_TABLES = ['events', 'schema_migrations'] as const;
export type ClickHouseTable = (typeof CLICKHOUSE_TABLES)[number];

/** `database`.`table` — every statement names its database (executors have no default one). */
export function tableRef(database: string, table: ClickHouseTable): SqlFragment {
  return sql`${lit.databaseName(database)}.${lit.identifier(table, CLICKHOUSE_TABLES)}`;
}

/** Columns of `events` (0001_events.sql) with their ClickHouse types, in table order. */
export const EVENT_COLUMNS = {
  event_id: 'String',
  event_type: 'String',
  engagement_type: 'String',
  event_time: "DateTime('UTC')",
  event_date: 'Date',
  ad_account_id: 'UInt64',
  campaign_id: 'UInt64',
  ad_group_id: 'UInt64',
  ad_id: 'UInt64',
  pin_id: 'UInt64',
  auction_id: 'String',
  slot: 'UInt8',
  placement: 'String',
  user_id: 'String',
  click_id: 'String',
  price_micros: 'Int64',
  value_micros: 'Int64',
  currency: 'String',
  conversion_type: 'String',
  ivt: 'UInt8',
  ivt_reason: 'String',
  age_bucket: 'String',
  gender: 'String',
  location: 'String',
  device: 'String',
  locale: 'String',
  interest: 'String',
  ingested_at: "DateTime('UTC')",
} as const;
export type EventColumn = keyof typeof EVENT_COLUMNS;
export const EVENT_COLUMN_NAMES = Object.keys(EVENT_COLUMNS) as EventColumn[];

/** `events.event_type` values. A plain String column, so adding one needs no ALTER. */
export const EVENT_TYPES = ['IMPRESSION', 'CLICK', 'ENGAGEMENT', 'CONVERSION'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
