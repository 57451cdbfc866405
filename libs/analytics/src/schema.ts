import { lit, sql, type SqlFragment } from './sql-literal';

/**
 * ClickHouse schema constants: the allow-lists identifiers are checked
 * against. They mirror migrations/clickhouse; a test compares them with the
 * tables the migrations create, on both engines.
 */

export const CLICKHOUSE_TABLES = [
  'events',
  'schema_migrations',
  'rollup_ad_account_hourly',
  'rollup_campaign_hourly',
  'rollup_ad_group_hourly',
  'rollup_ad_hourly',
  'attributed_conversions',
  'reach_ad_account_hourly',
  'reach_campaign_hourly',
  'reach_ad_group_hourly',
  'reach_ad_hourly',
  'rollup_ad_account_daily',
  'rollup_campaign_daily',
  'rollup_ad_group_daily',
  'rollup_ad_daily',
  'rollup_ad_account_local_daily',
  'rollup_campaign_local_daily',
  'rollup_ad_group_local_daily',
  'rollup_ad_local_daily',
] as const;
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

// ------------------------------------------------------------------ rollups (0002_rollups.sql)

/** The levels rolled up hourly, coarsest first; each has its own table and key columns. */
export const ROLLUP_LEVELS = ['ad_account', 'campaign', 'ad_group', 'ad'] as const;
export type RollupLevel = (typeof ROLLUP_LEVELS)[number];

export const ROLLUP_TABLES = {
  ad_account: 'rollup_ad_account_hourly',
  campaign: 'rollup_campaign_hourly',
  ad_group: 'rollup_ad_group_hourly',
  ad: 'rollup_ad_hourly',
} as const satisfies Record<RollupLevel, ClickHouseTable>;

/** Hourly reach (uniqHLL12 states) per level (0003_reach_and_daily_rollups.sql). */
export const REACH_HOURLY_TABLES = {
  ad_account: 'reach_ad_account_hourly',
  campaign: 'reach_campaign_hourly',
  ad_group: 'reach_ad_group_hourly',
  ad: 'reach_ad_hourly',
} as const satisfies Record<RollupLevel, ClickHouseTable>;

/** Daily rollups (UTC days, with reach) per level (0003_reach_and_daily_rollups.sql). */
export const ROLLUP_DAILY_TABLES = {
  ad_account: 'rollup_ad_account_daily',
  campaign: 'rollup_campaign_daily',
  ad_group: 'rollup_ad_group_daily',
  ad: 'rollup_ad_daily',
} as const satisfies Record<RollupLevel, ClickHouseTable>;

/**
 * Daily rollups cut at the ad account's local midnight, per level
 * (0005_local_day_rollups.sql): `day` is the local date in `timezone`; kept for the
 * zones of hasLocalDayRollups (local-days.ts).
 */
export const ROLLUP_LOCAL_DAILY_TABLES = {
  ad_account: 'rollup_ad_account_local_daily',
  campaign: 'rollup_campaign_local_daily',
  ad_group: 'rollup_ad_group_local_daily',
  ad: 'rollup_ad_local_daily',
} as const satisfies Record<RollupLevel, ClickHouseTable>;

/** Id columns identifying a row of each level besides ad_account_id and hour, in sort-key order. */
export const ROLLUP_KEY_COLUMNS = {
  ad_account: [],
  campaign: ['campaign_id'],
  ad_group: ['campaign_id', 'ad_group_id'],
  ad: ['campaign_id', 'ad_group_id', 'ad_id'],
} as const satisfies Record<RollupLevel, readonly string[]>;
export type RollupKeyColumn = 'campaign_id' | 'ad_group_id' | 'ad_id';
export const ROLLUP_KEY_COLUMN_NAMES: readonly RollupKeyColumn[] = ['campaign_id', 'ad_group_id', 'ad_id'];

/**
 * `conversion_type` buckets the rollups keep apart (lower-cased; Pinterest's
 * conversions API event names). Every other type counts as `other`.
 */
export const CONVERSION_TYPE_BUCKETS = ['checkout', 'add_to_cart', 'lead', 'signup', 'page_visit', 'other'] as const;
export type ConversionTypeBucket = (typeof CONVERSION_TYPE_BUCKETS)[number];

/** Conversion count and value columns per bucket, as the rollups and attribution-sql.ts name them. */
export const CONVERSION_COLUMNS = CONVERSION_TYPE_BUCKETS.map((bucket) => ({
  bucket,
  count: `conversions_${bucket}` as const,
  value: `value_${bucket}_micros` as const,
}));

/**
 * Additive metric columns present at every rollup level, in table order: read
 * them as sum(column) over FINAL rows. `users` (uniq states) is read with
 * uniqMerge and is not in this list.
 */
export const ROLLUP_SUM_COLUMNS = [
  'impressions',
  'clicks',
  'outbound_clicks',
  'saves',
  'closeups',
  'shares',
  'spend_micros',
  'billed_impressions',
  'billed_clicks',
  ...CONVERSION_COLUMNS.map((c) => c.count),
  ...CONVERSION_COLUMNS.map((c) => c.value),
] as const;
/** Invalid-traffic counts, after `users` in table order. */
export const ROLLUP_IVT_COLUMNS = ['ivt_impressions', 'ivt_clicks'] as const;
/** Only the ad-account level has these: conversions no touch claimed, at conversion time. */
export const ROLLUP_UNATTRIBUTED_COLUMNS = ['unattributed_conversions', 'unattributed_value_micros'] as const;
export type RollupMetricColumn =
  | (typeof ROLLUP_SUM_COLUMNS)[number]
  | (typeof ROLLUP_IVT_COLUMNS)[number]
  | (typeof ROLLUP_UNATTRIBUTED_COLUMNS)[number];

/** Attribution windows Pinterest offers, in days; 0 switches that kind of touch off. */
export const ATTRIBUTION_WINDOW_DAYS = [0, 1, 7, 14, 30, 60] as const;
export type AttributionWindowDays = (typeof ATTRIBUTION_WINDOW_DAYS)[number];
/** Pinterest's defaults, which the rollups use. */
export const DEFAULT_CLICK_WINDOW_DAYS = 30 satisfies AttributionWindowDays;
export const DEFAULT_VIEW_WINDOW_DAYS = 1 satisfies AttributionWindowDays;
/** How far back attribution looks for touches: the longest window. */
export const MAX_ATTRIBUTION_WINDOW_DAYS = 60 satisfies AttributionWindowDays;
export const CONVERSION_REPORT_TIMES = ['TIME_OF_AD_ACTION', 'TIME_OF_CONVERSION'] as const;
export type ConversionReportTime = (typeof CONVERSION_REPORT_TIMES)[number];
