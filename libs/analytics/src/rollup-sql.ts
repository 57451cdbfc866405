import { attributionTouchSql, conversionBucketSql } from './attribution-sql';
import { periodSql, type Granularity } from './period-sql';
import {
  CONVERSION_COLUMNS,
  DEFAULT_CLICK_WINDOW_DAYS,
  DEFAULT_VIEW_WINDOW_DAYS,
  ROLLUP_IVT_COLUMNS,
  ROLLUP_KEY_COLUMN_NAMES,
  ROLLUP_KEY_COLUMNS,
  ROLLUP_SUM_COLUMNS,
  ROLLUP_TABLES,
  ROLLUP_UNATTRIBUTED_COLUMNS,
  tableRef,
  type RollupKeyColumn,
  type RollupLevel,
  type RollupMetricColumn,
} from './schema';
import { lit, sql, SqlLiteralError, type SqlFragment } from './sql-literal';

/**
 * Building and reading the hourly rollups (migrations/clickhouse/0002_rollups.sql).
 *
 * Writing: `rollupHourStatements` recomputes one (ad account, UTC hour) at every
 * level from the raw events and attributed_conversions, inserting whole rows
 * with `version`. ReplacingMergeTree(version) keeps the highest version per key,
 * so running it again (or concurrently) is harmless: the last writer wins.
 *
 * Reading: rows of older versions remain until a merge, so every read goes
 * through FINAL (`rollupSql` does) — never sum a rollup table plainly.
 */

const HOUR_SECONDS = 3600;
const SUM_COLUMNS = ROLLUP_SUM_COLUMNS as readonly string[];
const ROLLUP_COLUMN_NAMES = [
  'ad_account_id',
  'hour',
  ...ROLLUP_KEY_COLUMN_NAMES,
  ...SUM_COLUMNS,
  'users',
  ...ROLLUP_IVT_COLUMNS,
  ...ROLLUP_UNATTRIBUTED_COLUMNS,
  'version',
];
/** Rollup columns, and the `c_` (contribution) and `m_` (merged) aliases built from them. */
const IDENTIFIERS = [...ROLLUP_COLUMN_NAMES, ...ROLLUP_COLUMN_NAMES.map((n) => `c_${n}`), ...ROLLUP_COLUMN_NAMES.map((n) => `m_${n}`)];
const id = (name: string): SqlFragment => lit.identifier(name, IDENTIFIERS);

export interface RollupHour {
  database: string;
  adAccountId: string;
  /** Start of the UTC hour, unix seconds (a multiple of 3600). */
  hour: number;
  /** Written to every row; higher wins. Take it before reading the raw events. */
  version: number;
}

function checkHour(hour: number): void {
  if (!Number.isSafeInteger(hour) || hour % HOUR_SECONDS !== 0) {
    throw new SqlLiteralError(`rollup hour must be unix seconds at the start of an hour, got ${hour}`);
  }
}

function hourBounds(target: RollupHour): { account: SqlFragment; start: SqlFragment; end: SqlFragment; day: SqlFragment } {
  checkHour(target.hour);
  return {
    account: lit.int(target.adAccountId, 'UInt64'),
    start: lit.dateTime(target.hour),
    end: lit.dateTime(target.hour + HOUR_SECONDS),
    day: lit.date(new Date(target.hour * 1000)),
  };
}

/**
 * The raw events of one (ad account, UTC hour), one row per event id: copies
 * of an event collapse, and the latest copy's IVT flag and price win (as
 * ReplacingMergeTree(ingested_at) keeps it). GROUP BY event_id rather than
 * FINAL: FINAL merges every row of the account's day in one thread on 18.16
 * before the hour is filtered, which costs seconds for a large account.
 * Columns are prefixed `d_` so no alias shadows a column in WHERE.
 */
export function dedupedHourEventsSql(target: Pick<RollupHour, 'database' | 'adAccountId' | 'hour'>, eventTypes: SqlFragment): SqlFragment {
  checkHour(target.hour);
  return sql`
    SELECT event_id,
      any(event_type) AS d_event_type, any(engagement_type) AS d_engagement_type, any(event_time) AS d_event_time,
      any(campaign_id) AS d_campaign_id, any(ad_group_id) AS d_ad_group_id, any(ad_id) AS d_ad_id,
      any(user_id) AS d_user_id, any(click_id) AS d_click_id, any(conversion_type) AS d_conversion_type,
      any(value_micros) AS d_value_micros, any(currency) AS d_currency,
      argMax(price_micros, ingested_at) AS d_price_micros, argMax(ivt, ingested_at) AS d_ivt
    FROM ${tableRef(target.database, 'events')}
    WHERE ad_account_id = ${lit.int(target.adAccountId, 'UInt64')} AND event_date = ${lit.date(new Date(target.hour * 1000))}
      AND event_time >= ${lit.dateTime(target.hour)} AND event_time < ${lit.dateTime(target.hour + HOUR_SECONDS)}
      AND event_type IN ${eventTypes}
    GROUP BY event_id`;
}

/*
 * The ad level sums three UNION ALL branches of contribution rows (raw events,
 * attributed conversions, zeros for keys already present). Their zeros are
 * written materialize(...): 18.16 refuses a column that is a constant in one
 * branch and not in another.
 */

/** One contribution row per raw event of the hour (conversions are counted through attribution). */
function rawContributions(target: RollupHour): SqlFragment {
  const valid = sql`d_ivt = 0`;
  const engagement = (type: string): SqlFragment =>
    sql`toUInt64(d_event_type = 'ENGAGEMENT' AND d_engagement_type = ${lit.string(type)} AND ${valid})`;
  return sql`
    SELECT d_campaign_id AS campaign_id, d_ad_group_id AS ad_group_id, d_ad_id AS ad_id,
      toUInt64(d_event_type = 'IMPRESSION' AND ${valid}) AS c_impressions,
      toUInt64(d_event_type = 'CLICK' AND ${valid}) AS c_clicks,
      ${engagement('OUTBOUND_CLICK')} AS c_outbound_clicks,
      ${engagement('SAVE')} AS c_saves,
      ${engagement('CLOSEUP')} AS c_closeups,
      ${engagement('SHARE')} AS c_shares,
      toInt64(if(${valid}, d_price_micros, 0)) AS c_spend_micros,
      toUInt64(d_event_type = 'IMPRESSION' AND ${valid} AND d_price_micros > 0) AS c_billed_impressions,
      toUInt64(d_event_type = 'CLICK' AND ${valid} AND d_price_micros > 0) AS c_billed_clicks,
      ${sql.join(CONVERSION_COLUMNS.map((c) => sql`materialize(toUInt64(0)) AS ${id(`c_${c.count}`)}`))},
      ${sql.join(CONVERSION_COLUMNS.map((c) => sql`materialize(toInt64(0)) AS ${id(`c_${c.value}`)}`))},
      if(d_event_type = 'IMPRESSION' AND ${valid}, d_user_id, '') AS c_reach_user,
      toUInt64(d_event_type = 'IMPRESSION' AND d_ivt != 0) AS c_ivt_impressions,
      toUInt64(d_event_type = 'CLICK' AND d_ivt != 0) AS c_ivt_clicks
    FROM (${dedupedHourEventsSql(target, sql`('IMPRESSION', 'CLICK', 'ENGAGEMENT')`)})`;
}

const DEFAULT_TOUCH = attributionTouchSql({ clickWindowDays: DEFAULT_CLICK_WINDOW_DAYS, viewWindowDays: DEFAULT_VIEW_WINDOW_DAYS });

/** One contribution row per non-IVT conversion whose default-window touch is an ad action in this hour. */
function conversionContributions(target: RollupHour): SqlFragment {
  const { account, start, end, day } = hourBounds(target);
  const lastDay = lit.date(new Date((target.hour + HOUR_SECONDS + DEFAULT_CLICK_WINDOW_DAYS * 86_400) * 1000));
  const zeros = (names: readonly string[], type: 'UInt64' | 'Int64'): SqlFragment =>
    sql.join(names.map((name) => (type === 'UInt64' ? sql`materialize(toUInt64(0)) AS ${id(`c_${name}`)}` : sql`materialize(toInt64(0)) AS ${id(`c_${name}`)}`)));
  return sql`
    SELECT ${DEFAULT_TOUCH.campaignId} AS campaign_id, ${DEFAULT_TOUCH.adGroupId} AS ad_group_id, ${DEFAULT_TOUCH.adId} AS ad_id,
      ${zeros(['impressions', 'clicks', 'outbound_clicks', 'saves', 'closeups', 'shares'], 'UInt64')},
      materialize(toInt64(0)) AS c_spend_micros,
      ${zeros(['billed_impressions', 'billed_clicks'], 'UInt64')},
      ${sql.join(CONVERSION_COLUMNS.map((c) => sql`toUInt64(${conversionBucketSql(c.bucket)}) AS ${id(`c_${c.count}`)}`))},
      ${sql.join(CONVERSION_COLUMNS.map((c) => sql`toInt64(if(${conversionBucketSql(c.bucket)}, value_micros, 0)) AS ${id(`c_${c.value}`)}`))},
      materialize('') AS c_reach_user,
      ${zeros(ROLLUP_IVT_COLUMNS, 'UInt64')}
    FROM ${tableRef(target.database, 'attributed_conversions')} FINAL
    WHERE ad_account_id = ${account} AND conversion_date >= ${day} AND conversion_date <= ${lastDay}
      AND ivt = 0 AND ${DEFAULT_TOUCH.attributed}
      AND ${DEFAULT_TOUCH.touchTime} >= ${start} AND ${DEFAULT_TOUCH.touchTime} < ${end}`;
}

/** A zero row for every ad the hour already has, so an ad whose contributions moved away is rewritten as zeros. */
function existingAdKeys(target: RollupHour): SqlFragment {
  const { account, start } = hourBounds(target);
  return sql`
    SELECT DISTINCT campaign_id, ad_group_id, ad_id,
      ${sql.join(SUM_COLUMNS.map((name) => (name.includes('micros') ? sql`materialize(toInt64(0)) AS ${id(`c_${name}`)}` : sql`materialize(toUInt64(0)) AS ${id(`c_${name}`)}`)))},
      materialize('') AS c_reach_user,
      ${sql.join(ROLLUP_IVT_COLUMNS.map((name) => sql`materialize(toUInt64(0)) AS ${id(`c_${name}`)}`))}
    FROM ${tableRef(target.database, 'rollup_ad_hourly')}
    WHERE ad_account_id = ${account} AND hour = ${start}`;
}

function insertColumns(level: RollupLevel): SqlFragment {
  const names = [
    'ad_account_id',
    'hour',
    ...ROLLUP_KEY_COLUMNS[level],
    ...SUM_COLUMNS,
    'users',
    ...ROLLUP_IVT_COLUMNS,
    ...(level === 'ad_account' ? ROLLUP_UNATTRIBUTED_COLUMNS : []),
    'version',
  ];
  return sql`(${sql.join(names.map(id))})`;
}

/** The ad level, from raw events, attributed conversions and the keys already present. */
export function rollupAdHourSql(target: RollupHour): SqlFragment {
  const { account, start } = hourBounds(target);
  return sql`
    INSERT INTO ${tableRef(target.database, 'rollup_ad_hourly')} ${insertColumns('ad')}
    SELECT ${account}, ${start}, campaign_id, ad_group_id, ad_id,
      ${sql.join(SUM_COLUMNS.map((name) => sql`sum(${id(`c_${name}`)})`))},
      uniqStateIf(c_reach_user, c_reach_user != ''),
      ${sql.join(ROLLUP_IVT_COLUMNS.map((name) => sql`sum(${id(`c_${name}`)})`))},
      ${lit.int(target.version, 'UInt64')}
    FROM (
      ${rawContributions(target)}
      UNION ALL
      ${conversionContributions(target)}
      UNION ALL
      ${existingAdKeys(target)}
    )
    GROUP BY campaign_id, ad_group_id, ad_id`;
}

/** The ad group or campaign level, from the ad level's latest rows (uniq states merge). */
export function rollupParentHourSql(target: RollupHour, level: 'ad_group' | 'campaign'): SqlFragment {
  const { account, start } = hourBounds(target);
  const keys = sql.join(ROLLUP_KEY_COLUMNS[level].map(id));
  return sql`
    INSERT INTO ${tableRef(target.database, ROLLUP_TABLES[level])} ${insertColumns(level)}
    SELECT ad_account_id, hour, ${keys},
      ${sql.join(SUM_COLUMNS.map((name) => sql`sum(${id(name)})`))},
      uniqMergeState(users),
      ${sql.join(ROLLUP_IVT_COLUMNS.map((name) => sql`sum(${id(name)})`))},
      ${lit.int(target.version, 'UInt64')}
    FROM ${tableRef(target.database, 'rollup_ad_hourly')} FINAL
    WHERE ad_account_id = ${account} AND hour = ${start}
    GROUP BY ad_account_id, hour, ${keys}`;
}

/**
 * The ad account level: the ad level summed, plus the hour's unattributed
 * conversions (counted at conversion time: they have no ad action). Always one
 * row, even for an hour with nothing in it.
 */
export function rollupAccountHourSql(target: RollupHour): SqlFragment {
  const { account, start, end, day } = hourBounds(target);
  const unattributed = sql`
    FROM ${tableRef(target.database, 'attributed_conversions')} FINAL
    WHERE ad_account_id = ${account} AND conversion_date = ${day}
      AND conversion_time >= ${start} AND conversion_time < ${end}
      AND ivt = 0 AND NOT ${DEFAULT_TOUCH.attributed}`;
  return sql`
    INSERT INTO ${tableRef(target.database, 'rollup_ad_account_hourly')} ${insertColumns('ad_account')}
    SELECT ${account}, ${start},
      ${sql.join(SUM_COLUMNS.map((name) => sql`sum(${id(name)})`))},
      uniqMergeState(users),
      ${sql.join(ROLLUP_IVT_COLUMNS.map((name) => sql`sum(${id(name)})`))},
      (SELECT count() ${unattributed}),
      (SELECT sum(value_micros) ${unattributed}),
      ${lit.int(target.version, 'UInt64')}
    FROM ${tableRef(target.database, 'rollup_ad_hourly')} FINAL
    WHERE ad_account_id = ${account} AND hour = ${start}`;
}

/** Every level of one hour, in the order they must run (each parent reads the ad level). */
export function rollupHourStatements(target: RollupHour): SqlFragment[] {
  return [rollupAdHourSql(target), rollupParentHourSql(target, 'ad_group'), rollupParentHourSql(target, 'campaign'), rollupAccountHourSql(target)];
}

// ------------------------------------------------------------------ reading

/** A column of a rollupSql row besides the keys and `period`. */
export type RollupMetricName = RollupMetricColumn | 'users';

export interface RollupQuery {
  database: string;
  level: RollupLevel;
  adAccountIds: readonly string[];
  /** [from, to) on the UTC hour; whole hours. */
  from: Date;
  to: Date;
  granularity: Granularity;
  /** Days, weeks, months and quarters are cut in this IANA timezone (the ad account's). */
  timezone: string;
  filter?: Partial<Record<RollupKeyColumn, readonly string[]>>;
  /**
   * Whether to read reach (`users`, uniqMerge of the hourly uniq states). Default true.
   * Merging one state per hour is nearly all of a rollup read's cost (bench/report), so
   * readers that show no reach column leave it out.
   */
  reach?: boolean;
}

/**
 * Reads a rollup level following the read rule (FINAL): one row per ad
 * account, the level's ids and `period` (absent for TOTAL), with every
 * additive metric summed under its column name, `users` = uniqMerge(users)
 * (unique users across the whole slice, not a sum of hours), the IVT counts,
 * and at the ad_account level the unattributed conversions.
 */
export function rollupSql(query: RollupQuery): SqlFragment {
  if (query.adAccountIds.length === 0) throw new SqlLiteralError('rollupSql needs at least one ad account');
  const reach = query.reach ?? true;
  const keys = ROLLUP_KEY_COLUMNS[query.level] as readonly RollupKeyColumn[];
  const period = periodSql(sql`hour`, query.granularity, query.timezone);
  const keyColumns = [sql`ad_account_id`, ...keys.map(id)];
  const selectKeys = period === null ? keyColumns : [...keyColumns, sql`${period} AS period`];
  const groupKeys = period === null ? keyColumns : [...keyColumns, sql`period`];
  // Aggregates are aliased with a prefix inside and renamed outside: an alias equal
  // to its own column would be substituted back into the aggregate's argument.
  const sums = [...SUM_COLUMNS, ...ROLLUP_IVT_COLUMNS, ...(query.level === 'ad_account' ? ROLLUP_UNATTRIBUTED_COLUMNS : [])];
  const filters = Object.entries(query.filter ?? {})
    .filter(([, ids]) => ids !== undefined)
    .map(([column, ids]) => sql`AND ${lit.identifier(column as RollupKeyColumn, keys)} IN ${lit.inList(ids as string[], 'UInt64')}`);
  return sql`
    SELECT ${sql.join([...keyColumns, ...(period === null ? [] : [sql`period`])])},
      ${sql.join([...sums.map((name) => sql`${id(`m_${name}`)} AS ${id(name)}`), ...(reach ? [sql`m_users AS users`] : [])])}
    FROM (
      SELECT ${sql.join(selectKeys)},
        ${sql.join([...sums.map((name) => sql`sum(${id(name)}) AS ${id(`m_${name}`)}`), ...(reach ? [sql`uniqMerge(users) AS m_users`] : [])])}
      FROM ${tableRef(query.database, ROLLUP_TABLES[query.level])} FINAL
      WHERE ad_account_id IN ${lit.inList(query.adAccountIds, 'UInt64')}
        AND hour >= ${lit.dateTime(query.from)} AND hour < ${lit.dateTime(query.to)}
        ${sql.join(filters, sql` `)}
      GROUP BY ${sql.join(groupKeys)}
    )
    ORDER BY ${sql.join([...keyColumns, ...(period === null ? [] : [sql`period`])])}`;
}
