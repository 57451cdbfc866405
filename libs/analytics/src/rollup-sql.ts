import { attributionTouchSql, conversionBucketSql } from './attribution-sql';
import { addDays, hasLocalDayRollups, isLocalMidnight, localDateOf, startOfLocalDay, UTC_ZONES } from './local-days';
import { periodSql, type Granularity } from './period-sql';
import {
  CONVERSION_COLUMNS,
  DEFAULT_CLICK_WINDOW_DAYS,
  DEFAULT_VIEW_WINDOW_DAYS,
  ROLLUP_IVT_COLUMNS,
  ROLLUP_KEY_COLUMN_NAMES,
  ROLLUP_KEY_COLUMNS,
  ROLLUP_SUM_COLUMNS,
  REACH_HOURLY_TABLES,
  ROLLUP_DAILY_TABLES,
  ROLLUP_LOCAL_DAILY_TABLES,
  ROLLUP_TABLES,
  ROLLUP_UNATTRIBUTED_COLUMNS,
  tableRef,
  type ClickHouseTable,
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
const DAY_SECONDS = 86_400;
const SUM_COLUMNS = ROLLUP_SUM_COLUMNS as readonly string[];
const ROLLUP_COLUMN_NAMES = [
  'ad_account_id',
  'hour',
  'day',
  'reach',
  ...ROLLUP_KEY_COLUMN_NAMES,
  ...SUM_COLUMNS,
  'users',
  ...ROLLUP_IVT_COLUMNS,
  ...ROLLUP_UNATTRIBUTED_COLUMNS,
  'version',
];
/** Rollup columns, and the `c_` (contribution), `r_` (latest row), `b_` (branch) and `m_` (merged) aliases built from them. */
const IDENTIFIERS = [...ROLLUP_COLUMN_NAMES, ...['c_', 'r_', 'b_', 'm_'].flatMap((prefix) => ROLLUP_COLUMN_NAMES.map((n) => `${prefix}${n}`))];
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


/**
 * The ad level's reach of the hour: one uniqHLL12 state of the non-IVT impression
 * users per ad with any raw event in the hour (deduplicated as rollupAdHourSql's),
 * plus an empty state for every ad key the reach table already has in the hour, so
 * an ad whose users moved away (or turned out invalid) is rewritten empty. It
 * reads nothing rollupAdHourSql writes, so both run at once. An ad with only
 * conversions in the hour has no reach row: it reached nobody.
 */
export function reachAdHourSql(target: RollupHour): SqlFragment {
  const { account, start } = hourBounds(target);
  return sql`
    INSERT INTO ${tableRef(target.database, 'reach_ad_hourly')} (ad_account_id, hour, campaign_id, ad_group_id, ad_id, reach, version)
    SELECT ${account}, ${start}, campaign_id, ad_group_id, ad_id, uniqHLL12StateIf(c_reach_user, c_reach_user != ''), ${lit.int(target.version, 'UInt64')}
    FROM (
      SELECT d_campaign_id AS campaign_id, d_ad_group_id AS ad_group_id, d_ad_id AS ad_id,
        if(d_event_type = 'IMPRESSION' AND d_ivt = 0, d_user_id, '') AS c_reach_user
      FROM (${dedupedHourEventsSql(target, sql`('IMPRESSION', 'CLICK', 'ENGAGEMENT')`)})
      UNION ALL
      SELECT DISTINCT campaign_id, ad_group_id, ad_id, materialize('') AS c_reach_user
      FROM ${tableRef(target.database, 'reach_ad_hourly')}
      WHERE ad_account_id = ${account} AND hour = ${start}
    )
    GROUP BY campaign_id, ad_group_id, ad_id`;
}

/** Reach of the ad group, campaign or account level of the hour, merged from the ad level's latest states. */
export function reachParentHourSql(target: RollupHour, level: 'ad_group' | 'campaign' | 'ad_account'): SqlFragment {
  const { account, start } = hourBounds(target);
  const keys = ROLLUP_KEY_COLUMNS[level].map(id);
  const keyList = keys.length > 0 ? sql`, ${sql.join(keys)}` : sql``;
  // The account level has no GROUP BY: always one row, even for an hour with nothing in it.
  return sql`
    INSERT INTO ${tableRef(target.database, REACH_HOURLY_TABLES[level])} (ad_account_id, hour${keyList}, reach, version)
    SELECT ${account}, ${start}${keyList}, uniqHLL12MergeState(reach), ${lit.int(target.version, 'UInt64')}
    FROM ${tableRef(target.database, 'reach_ad_hourly')} FINAL
    WHERE ad_account_id = ${account} AND hour = ${start}
    ${keys.length > 0 ? sql`GROUP BY ${sql.join(keys)}` : sql``}`;
}

/**
 * Every level of one hour, as stages: the statements of a stage are independent
 * and may run at once; a stage runs after the one before it (each parent reads the
 * ad level). Rollups and reach are separate tables, written side by side.
 */
export function rollupHourStages(target: RollupHour): SqlFragment[][] {
  return [
    [rollupAdHourSql(target), reachAdHourSql(target)],
    [
      rollupParentHourSql(target, 'ad_group'),
      rollupParentHourSql(target, 'campaign'),
      rollupAccountHourSql(target),
      reachParentHourSql(target, 'ad_group'),
      reachParentHourSql(target, 'campaign'),
      reachParentHourSql(target, 'ad_account'),
    ],
  ];
}

/** rollupHourStages one after another. */
export function rollupHourStatements(target: RollupHour): SqlFragment[] {
  return rollupHourStages(target).flat();
}

export interface RollupDay {
  database: string;
  adAccountId: string;
  /** Start of the UTC day, unix seconds (a multiple of 86,400). */
  day: number;
  /** How many consecutive UTC days from `day` to rebuild in the same statement (default 1); each day is its own row. */
  days?: number;
}

/** The UTC days (unix seconds at their start) of some hours, ascending and distinct. */
export function utcDaysOf(hours: readonly number[]): number[] {
  return [...new Set(hours.map((hour) => Math.floor(hour / DAY_SECONDS) * DAY_SECONDS))].sort((a, b) => a - b);
}

/**
 * One level of one UTC day, rebuilt from the hourly rollups and reach FINAL: every
 * column summed over the day's hours, the reach states merged. Its version is the
 * sum of the versions of the hourly rows it read, so of two builds the one that
 * saw newer hours wins whatever order they finish in (per key, an hour's latest
 * version only grows and hourly rows are never removed, so a later build's sum is
 * at least as large, and equal only when it read exactly the same rows).
 */
export function rollupDaySql(target: RollupDay, level: RollupLevel): SqlFragment {
  if (!Number.isSafeInteger(target.day) || target.day % DAY_SECONDS !== 0) {
    throw new SqlLiteralError(`rollup day must be unix seconds at the start of a UTC day, got ${target.day}`);
  }
  const dayCount = target.days ?? 1;
  if (!Number.isSafeInteger(dayCount) || dayCount < 1) throw new SqlLiteralError(`rollup days must be a positive whole number, got ${dayCount}`);
  return dayBuildSql(target.database, level, target.adAccountId, {
    table: ROLLUP_DAILY_TABLES[level],
    // Each UTC day is its own row: the start of the hour's UTC day, whatever the server's timezone.
    day: sql`toDateTime(intDiv(toUInt32(hour), 86400) * 86400)`,
    from: target.day,
    to: target.day + dayCount * DAY_SECONDS,
  });
}

export interface RollupLocalDays {
  database: string;
  adAccountId: string;
  /** The account's IANA timezone; hasLocalDayRollups(timezone) must hold. */
  timezone: string;
  /** The first local date (YYYY-MM-DD) to rebuild. */
  firstDate: string;
  /** How many consecutive local dates from firstDate (default 1); each date is its own row. */
  days?: number;
}

/**
 * One level of local days (0005, `rollup_<level>_local_daily`), rebuilt as rollupDaySql
 * rebuilds UTC days: the hourly rows of [local midnight of firstDate, local midnight
 * after the last date) FINAL, grouped by the hour's local date, reach merged, version =
 * the sum of the hourly versions read (so the build that saw newer hours wins).
 */
export function rollupLocalDaySql(target: RollupLocalDays, level: RollupLevel): SqlFragment {
  const dayCount = target.days ?? 1;
  if (!Number.isSafeInteger(dayCount) || dayCount < 1) throw new SqlLiteralError(`rollup days must be a positive whole number, got ${dayCount}`);
  if (!hasLocalDayRollups(target.timezone)) throw new SqlLiteralError(`${target.timezone} has no local-day rollups (UTC-like, or an offset that is not whole hours)`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(target.firstDate)) throw new SqlLiteralError(`a local date is YYYY-MM-DD, got ${target.firstDate}`);
  const from = startOfLocalDay(target.firstDate, target.timezone).getTime() / 1000;
  const to = startOfLocalDay(addDays(target.firstDate, dayCount), target.timezone).getTime() / 1000;
  return dayBuildSql(target.database, level, target.adAccountId, {
    table: ROLLUP_LOCAL_DAILY_TABLES[level],
    timezone: target.timezone,
    day: sql`toDate(hour, ${lit.string(target.timezone)})`,
    from,
    to,
  });
}

/** The local dates (YYYY-MM-DD) of some UTC hours in `timezone`, ascending and distinct. */
export function localDatesOf(hours: readonly number[], timezone: string): string[] {
  return [...new Set(hours.map((hour) => localDateOf(hour, timezone)))].sort();
}

/** Every level of some local days; independent of each other. */
export function rollupLocalDayStatements(target: RollupLocalDays): SqlFragment[] {
  return ROLLUP_LEVELS_FINEST_FIRST.map((level) => rollupLocalDaySql(target, level));
}

const ROLLUP_LEVELS_FINEST_FIRST = ['ad', 'ad_group', 'campaign', 'ad_account'] as const;

/** A day table's rows for [from, to) of one account: the hourly rows and reach states FINAL, grouped by `day` and the level's keys. */
function dayBuildSql(
  database: string,
  level: RollupLevel,
  adAccountId: string,
  into: { table: ClickHouseTable; timezone?: string; day: SqlFragment; from: number; to: number },
): SqlFragment {
  const account = lit.int(adAccountId, 'UInt64');
  const keys = [sql`b_day`, ...ROLLUP_KEY_COLUMNS[level].map(id)];
  const sourceKeys = [sql`${into.day} AS b_day`, ...ROLLUP_KEY_COLUMNS[level].map(id)];
  const sums = [...SUM_COLUMNS, ...ROLLUP_IVT_COLUMNS, ...(level === 'ad_account' ? ROLLUP_UNATTRIBUTED_COLUMNS : [])];
  const zero = (name: string): SqlFragment => (name.includes('micros') ? sql`sum(toInt64(0))` : sql`sum(toUInt64(0))`);
  const where = sql`WHERE ad_account_id = ${account} AND hour >= ${lit.dateTime(into.from)} AND hour < ${lit.dateTime(into.to)}`;
  const levelKeys = ROLLUP_KEY_COLUMNS[level].map(id);
  const zone = into.timezone === undefined ? { column: [], value: [] } : { column: [sql`timezone`], value: [lit.string(into.timezone)] };
  const sourceSelect = sql`${sql.join(sourceKeys)}, `;
  const sourceGroupBy = sql`GROUP BY ${sql.join(keys)}`;
  return sql`
    INSERT INTO ${tableRef(database, into.table)}
      (${sql.join([sql`ad_account_id`, ...zone.column, sql`day`, ...levelKeys, ...SUM_COLUMNS.map(id), sql`reach`, ...sums.slice(SUM_COLUMNS.length).map(id), sql`version`])})
    SELECT ${sql.join([account, ...zone.value, sql`b_day`, ...levelKeys, ...SUM_COLUMNS.map((n) => sql`sum(${id(`b_${n}`)})`), sql`uniqHLL12MergeState(b_reach)`, ...sums.slice(SUM_COLUMNS.length).map((n) => sql`sum(${id(`b_${n}`)})`), sql`sum(b_version)`])}
    FROM (
      SELECT ${sourceSelect}${sql.join([...sums.map((n) => sql`sum(${id(n)}) AS ${id(`b_${n}`)}`), sql`uniqHLL12StateIf('', 0) AS b_reach`, sql`sum(version) AS b_version`])}
      FROM ${tableRef(database, ROLLUP_TABLES[level])} FINAL
      ${where}
      ${sourceGroupBy}
      UNION ALL
      SELECT ${sourceSelect}${sql.join([...sums.map((n) => sql`${zero(n)} AS ${id(`b_${n}`)}`), sql`uniqHLL12MergeState(reach) AS b_reach`, sql`sum(version) AS b_version`])}
      FROM ${tableRef(database, REACH_HOURLY_TABLES[level])} FINAL
      ${where}
      ${sourceGroupBy}
    )
    GROUP BY ${sql.join(keys)}`;
}

/** Every level of one UTC day; run after the hourly statements of its hours. Independent of each other: they may run at once. */
export function rollupDayStatements(target: RollupDay): SqlFragment[] {
  return ROLLUP_LEVELS_FINEST_FIRST.map((level) => rollupDaySql(target, level));
}

/**
 * The UTC days (unix seconds at their start) of each ad account that have hourly rollups
 * but no daily row: history rolled up before the daily tables existed or while they were
 * rebuilt (0004 recreated them). Columns `ad_account_id` (string) and `day`. The account
 * level stands for all: every rollup writes the account's hourly row, and every day
 * build writes all four levels. Range recomputes of these days fill them again.
 */
export function missingDailyRollupDaysSql(database: string): SqlFragment {
  const utcDay = (column: 'hour' | 'day'): SqlFragment => sql`intDiv(toUInt32(${column === 'hour' ? sql`hour` : sql`day`}), 86400) * 86400`;
  return sql`
    SELECT toString(a) AS ad_account_id, d AS day
    FROM (SELECT DISTINCT ad_account_id AS a, ${utcDay('hour')} AS d FROM ${tableRef(database, 'rollup_ad_account_hourly')})
    WHERE (a, d) NOT IN (SELECT DISTINCT ad_account_id, ${utcDay('day')} FROM ${tableRef(database, 'rollup_ad_account_daily')})
    ORDER BY a, d`;
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
   * Whether to read reach (`users`, uniqHLL12Merge of the reach states). Default true.
   * Readers that show no reach column leave it out: the states are the largest part
   * of a read.
   */
  reach?: boolean;
  /**
   * Read whole UTC days from the daily tables and reach from the uniqHLL12 states
   * (0003, with 0004's small granules)? MeasureStore, behind every dashboard, report and
   * export read, passes true: at 100 million events it is the read that meets the
   * dashboard's targets (docs/reports.md, "Benchmark"). Default false: the hourly tables
   * and uniqMerge(users), as before 0003, which bench/report times beside it and tests
   * use as the reference.
   */
  daily?: boolean;
  /**
   * The local-day tables (0005) are complete for every account of the query in
   * `timezone` — MeasureStore asks Postgres (ad_accounts.local_rollups_timezone). Then a
   * read whose [from, to) is whole local days (localDaysCoverRange), at any granularity
   * but HOUR, is one branch over one row per local day: no edge hours, no UTC days.
   * Otherwise ignored.
   */
  localDays?: boolean;
  /**
   * The additive columns to read; default all of the level's (sums, IVT counts and, at
   * the ad-account level, the unattributed conversions). A read's cost grows with the
   * columns it reads (each one merged under FINAL and summed), so readers name what
   * their metrics need; the rows have only these columns (and `users` with reach).
   */
  columns?: readonly RollupMetricColumn[];
}

/** The level's additive columns a query reads, in table order. */
function readColumns(query: RollupQuery): string[] {
  const all: readonly string[] = [...SUM_COLUMNS, ...ROLLUP_IVT_COLUMNS, ...(query.level === 'ad_account' ? ROLLUP_UNATTRIBUTED_COLUMNS : [])];
  if (query.columns === undefined) return [...all];
  const wanted = new Set<string>(query.columns);
  for (const column of wanted) if (!all.includes(column)) throw new SqlLiteralError(`rollupSql: ${column} is not a column of the ${query.level} rollups`);
  const columns = all.filter((name) => wanted.has(name));
  if (columns.length === 0 && query.reach === false) throw new SqlLiteralError('rollupSql needs at least one column or reach');
  return columns;
}

/** `AND <key> IN (...)` for each id filter of the query, checked against the level's keys. */
function keyFilters(query: RollupQuery, keys: readonly RollupKeyColumn[]): SqlFragment[] {
  return Object.entries(query.filter ?? {})
    .filter(([, ids]) => ids !== undefined)
    .map(([column, ids]) => sql`AND ${lit.identifier(column as RollupKeyColumn, keys)} IN ${lit.inList(ids as string[], 'UInt64')}`);
}

/**
 * Does the daily read take every hour of the slice from the daily tables, leaving none
 * for the hourly ones? True when [from, to) is whole UTC days and each of those days
 * lies inside one period: any days for TOTAL; for DAY, WEEK, MONTH and QUARTER only when
 * the slice's timezone cuts periods at UTC midnight; never for HOUR. The read is then one
 * branch over ~24 times fewer rows than the hourly read (docs/reports.md, "Benchmark"),
 * so MeasureStore takes it even without reach.
 */
export function dailyReadCoversRange(query: Pick<RollupQuery, 'from' | 'to' | 'granularity' | 'timezone'>): boolean {
  const from = query.from.getTime() / 1000;
  const to = query.to.getTime() / 1000;
  if (query.granularity === 'HOUR' || to <= from || from % DAY_SECONDS !== 0 || to % DAY_SECONDS !== 0) return false;
  return query.granularity === 'TOTAL' || UTC_ZONES.has(query.timezone);
}

/**
 * Can the local-day tables answer this slice alone? True when the timezone keeps local
 * days (hasLocalDayRollups), the granularity is not HOUR, and [from, to) starts and ends
 * at local midnights — every local day then lies inside one period, since weeks, months
 * and quarters are cut in the same zone.
 */
export function localDaysCoverRange(query: Pick<RollupQuery, 'from' | 'to' | 'granularity' | 'timezone'>): boolean {
  const from = query.from.getTime() / 1000;
  const to = query.to.getTime() / 1000;
  if (query.granularity === 'HOUR' || !(to > from) || !Number.isSafeInteger(from) || !Number.isSafeInteger(to)) return false;
  return hasLocalDayRollups(query.timezone) && isLocalMidnight(from, query.timezone) && isLocalMidnight(to, query.timezone);
}

/** The period of a local Date column (the local-day tables' `day`), as periodSql gives it for the same day's instants. */
function localDatePeriodSql(day: SqlFragment, granularity: Granularity): SqlFragment | null {
  switch (granularity) {
    case 'TOTAL':
      return null;
    case 'DAY':
      return day;
    case 'WEEK':
      return sql`toMonday(${day})`;
    case 'MONTH':
      return sql`toStartOfMonth(${day})`;
    case 'QUARTER':
      return sql`toStartOfQuarter(${day})`;
    default:
      throw new SqlLiteralError(`the local-day tables have no ${granularity} periods`);
  }
}

/**
 * Reads a rollup level following the read rule (FINAL): one row per ad
 * account, the level's ids and `period` (absent for TOTAL), with every
 * additive metric summed under its column name, `users` = unique users across the
 * whole slice (not a sum of hours), the IVT counts, and at the ad_account level the
 * unattributed conversions.
 *
 * With `daily: true`, `users` = uniqHLL12Merge of the reach states, and each UTC day
 * wholly inside [from, to) and inside one period (any day for
 * TOTAL; for DAY only when the timezone cuts days at UTC midnight; never for
 * HOUR) is read from the daily tables, every other hour from the hourly ones:
 * the same figures, from 24 times fewer rows.
 */
export function rollupSql(query: RollupQuery): SqlFragment {
  if (query.adAccountIds.length === 0) throw new SqlLiteralError('rollupSql needs at least one ad account');
  if (query.localDays === true && localDaysCoverRange(query)) return localDailyRollupSql(query);
  if (query.daily === true && query.reach === false && dailyReadCoversRange(query)) {
    // Whole UTC days in whole periods, no reach: the UTC daily rows alone, in one GROUP BY (half the CPU of the branch form).
    return flatDayRollupSql(query, {
      table: ROLLUP_DAILY_TABLES[query.level],
      where: sql`day >= ${lit.dateTime(query.from)} AND day < ${lit.dateTime(query.to)}`,
      period: periodSql(sql`day`, query.granularity, query.timezone),
    });
  }
  return query.daily === true ? dailyRollupSql(query) : hourlyRollupSql(query);
}

/** The 0002 read: every hour from the hourly table FINAL, reach = uniqMerge(users). */
function hourlyRollupSql(query: RollupQuery): SqlFragment {
  const reach = query.reach ?? true;
  const keys = ROLLUP_KEY_COLUMNS[query.level] as readonly RollupKeyColumn[];
  const period = periodSql(sql`hour`, query.granularity, query.timezone);
  const keyColumns = [sql`ad_account_id`, ...keys.map(id)];
  const selectKeys = period === null ? keyColumns : [...keyColumns, sql`${period} AS period`];
  const groupKeys = period === null ? keyColumns : [...keyColumns, sql`period`];
  // Aggregates are aliased with a prefix inside and renamed outside: an alias equal
  // to its own column would be substituted back into the aggregate's argument.
  const sums = readColumns(query);
  const filters = keyFilters(query, keys);
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

/**
 * The local-day read (0005): one aggregation over the local-day table FINAL, whose rows are
 * whole local days of the query's timezone. A single level of GROUP BY (no per-branch
 * states merged again) and FINAL rather than argMax: with a screen's ~20 columns, argMax
 * keeps one state per column per row and cost ~25% more ClickHouse CPU than FINAL here
 * (docs/reports.md, "Local days").
 */
function localDailyRollupSql(query: RollupQuery): SqlFragment {
  const from = Math.floor(query.from.getTime() / 1000);
  const to = Math.floor(query.to.getTime() / 1000);
  return flatDayRollupSql(query, {
    table: ROLLUP_LOCAL_DAILY_TABLES[query.level],
    where: sql`timezone = ${lit.string(query.timezone)} AND day >= ${lit.date(localDateOf(from, query.timezone))} AND day < ${lit.date(localDateOf(to, query.timezone))}`,
    period: localDatePeriodSql(sql`day`, query.granularity),
  });
}

/** One GROUP BY over a day table FINAL whose rows are exactly the slice's days: the local-day read, and the UTC daily read of a covered slice without reach. */
function flatDayRollupSql(query: RollupQuery, source: { table: ClickHouseTable; where: SqlFragment; period: SqlFragment | null }): SqlFragment {
  const reach = query.reach ?? true;
  const keys = ROLLUP_KEY_COLUMNS[query.level] as readonly RollupKeyColumn[];
  const keyColumns = [sql`ad_account_id`, ...keys.map(id)];
  const { period } = source;
  const outKeys = [...keyColumns, ...(period === null ? [] : [sql`period`])];
  const sums = readColumns(query);
  const filters = keyFilters(query, keys);
  return sql`
    SELECT ${sql.join(outKeys)},
      ${sql.join([...sums.map((name) => sql`${id(`m_${name}`)} AS ${id(name)}`), ...(reach ? [sql`m_users AS users`] : [])])}
    FROM (
      SELECT ${sql.join([...keyColumns, ...(period === null ? [] : [sql`${period} AS period`])])},
        ${sql.join([...sums.map((name) => sql`sum(${id(name)}) AS ${id(`m_${name}`)}`), ...(reach ? [sql`uniqHLL12Merge(reach) AS m_users`] : [])])}
      FROM ${tableRef(query.database, source.table)} FINAL
      WHERE ad_account_id IN ${lit.inList(query.adAccountIds, 'UInt64')} AND ${source.where}
        ${sql.join(filters, sql` `)}
      GROUP BY ${sql.join(outKeys)}
    )
    ORDER BY ${sql.join(outKeys)}`;
}

/**
 * Reach alone from the local-day table (the query must be one localDaysCoverRange
 * accepts): per key and period `users` = uniqHLL12Merge of each row's latest state, kept by
 * `argMax(reach, version)` per day instead of FINAL — FINAL copies every state and doubled
 * the cost of the reach read. MeasureStore sends it beside the sums' read (rollupSql with
 * reach: false), so the two run at once (docs/reports.md, "Local days").
 */
export function localReachSql(query: RollupQuery): SqlFragment {
  if (query.adAccountIds.length === 0) throw new SqlLiteralError('localReachSql needs at least one ad account');
  if (!localDaysCoverRange(query)) throw new SqlLiteralError('localReachSql reads whole local days of a zone that keeps them');
  const keys = ROLLUP_KEY_COLUMNS[query.level] as readonly RollupKeyColumn[];
  const keyColumns = [sql`ad_account_id`, ...keys.map(id)];
  const period = localDatePeriodSql(sql`day`, query.granularity);
  const outKeys = [...keyColumns, ...(period === null ? [] : [sql`period`])];
  const filters = keyFilters(query, keys);
  const from = Math.floor(query.from.getTime() / 1000);
  const to = Math.floor(query.to.getTime() / 1000);
  return sql`
    SELECT ${sql.join([...keyColumns, ...(period === null ? [] : [sql`${period} AS period`])])}, uniqHLL12Merge(r_reach) AS users
    FROM (
      SELECT ${sql.join([...keyColumns, sql`day`])}, argMax(reach, version) AS r_reach
      FROM ${tableRef(query.database, ROLLUP_LOCAL_DAILY_TABLES[query.level])}
      WHERE ad_account_id IN ${lit.inList(query.adAccountIds, 'UInt64')}
        AND timezone = ${lit.string(query.timezone)}
        AND day >= ${lit.date(localDateOf(from, query.timezone))} AND day < ${lit.date(localDateOf(to, query.timezone))}
        ${sql.join(filters, sql` `)}
      GROUP BY ${sql.join([...keyColumns, sql`day`])}
    )
    GROUP BY ${sql.join(outKeys)}
    ORDER BY ${sql.join(outKeys)}`;
}

/** The daily read: UTC days from the 0003/0004 tables, the edge hours from the hourly ones. */
function dailyRollupSql(query: RollupQuery): SqlFragment {
  const reach = query.reach ?? true;
  const keys = ROLLUP_KEY_COLUMNS[query.level] as readonly RollupKeyColumn[];
  const keyColumns = [sql`ad_account_id`, ...keys.map(id)];
  const outKeys = [...keyColumns, ...(query.granularity === 'TOTAL' ? [] : [sql`period`])];
  // Aggregates are aliased with a prefix inside and renamed outside: an alias equal
  // to its own column would be substituted back into the aggregate's argument.
  const sums = readColumns(query);
  const filters = keyFilters(query, keys);
  const accounts = sql`ad_account_id IN ${lit.inList(query.adAccountIds, 'UInt64')}`;
  const from = Math.floor(query.from.getTime() / 1000);
  const to = Math.floor(query.to.getTime() / 1000);
  // Whole UTC days inside [from, to); a day is read from the daily tables if its first and last hour share a period.
  const firstDay = Math.ceil(from / DAY_SECONDS) * DAY_SECONDS;
  const endDay = Math.floor(to / DAY_SECONDS) * DAY_SECONDS;
  const useDays = query.granularity !== 'HOUR' && endDay > firstDay;
  const dayInOnePeriod = (dayStart: SqlFragment): SqlFragment => {
    const first = periodSql(dayStart, query.granularity, query.timezone);
    const last = periodSql(sql`(${dayStart} + ${lit.int(DAY_SECONDS - HOUR_SECONDS, 'UInt32')})`, query.granularity, query.timezone);
    return first === null || last === null ? sql`1` : sql`${first} = ${last}`;
  };
  const fromDaily = sql`day >= ${lit.dateTime(firstDay)} AND day < ${lit.dateTime(endDay)} AND ${dayInOnePeriod(sql`day`)}`;
  const hourStart = sql`toStartOfDay(hour, 'UTC')`;
  const hourInDaily = useDays ? sql`AND NOT (hour >= ${lit.dateTime(firstDay)} AND hour < ${lit.dateTime(endDay)} AND ${dayInOnePeriod(hourStart)})` : sql``;

  /**
   * One branch: a table's rows in the range, grouped by key and period, metrics as b_<name>.
   *
   * `dedupe` is how the branch follows the read rule. FINAL merges the rows of every part
   * on read; that is cheap for plain numbers but costly for the uniqHLL12 state column,
   * which FINAL copies state by state. `argMax` keeps, per full sort key, each column's
   * value of the highest version (the row FINAL would keep: versions only grow), then
   * merges: the reach branches read that way (docs/reports.md, "Benchmark").
   */
  const branch = (table: SqlFragment, time: 'hour' | 'day', where: SqlFragment, metrics: 'sums' | 'reach' | 'both', dedupe: 'final' | 'argMax' = 'final'): SqlFragment => {
    const timeColumn = time === 'hour' ? sql`hour` : sql`day`;
    const period = periodSql(timeColumn, query.granularity, query.timezone);
    const selectKeys = period === null ? keyColumns : [...keyColumns, sql`${period} AS period`];
    const groupKeys = period === null ? keyColumns : [...keyColumns, sql`period`];
    const zero = (name: string): SqlFragment => (name.includes('micros') ? sql`sum(toInt64(0))` : sql`sum(toUInt64(0))`);
    // Under argMax the inner query renames each column r_<name> (an alias equal to its column would be substituted into its own argument).
    const col = (name: string): SqlFragment => (dedupe === 'argMax' ? id(`r_${name}`) : id(name));
    const columns = [
      ...sums.map((name) => sql`${metrics === 'reach' ? zero(name) : sql`sum(${col(name)})`} AS ${id(`b_${name}`)}`),
      ...(reach ? [metrics === 'sums' ? sql`uniqHLL12StateIf('', 0) AS b_reach` : sql`uniqHLL12MergeState(${col('reach')}) AS b_reach`] : []),
    ];
    const rows = sql`${table}${dedupe === 'final' ? sql` FINAL` : sql``}
      WHERE ${accounts} AND ${where}
        ${sql.join(filters, sql` `)}`;
    if (dedupe === 'final') return sql`SELECT ${sql.join(selectKeys)}, ${sql.join(columns)} FROM ${rows} GROUP BY ${sql.join(groupKeys)}`;
    const rowKey = [...keyColumns, timeColumn];
    const latest = [...(metrics === 'reach' ? [] : sums), ...(reach && metrics !== 'sums' ? ['reach'] : [])].map(
      (name) => sql`argMax(${id(name)}, version) AS ${id(`r_${name}`)}`,
    );
    return sql`
      SELECT ${sql.join(selectKeys)}, ${sql.join(columns)}
      FROM (SELECT ${sql.join([...rowKey, ...latest])} FROM ${rows} GROUP BY ${sql.join(rowKey)})
      GROUP BY ${sql.join(groupKeys)}`;
  };
  // TOTAL takes every whole day from the daily tables: the hours left are the two edges, named
  // as ranges so the month partitions the days cover are never opened.
  const hourly =
    useDays && query.granularity === 'TOTAL'
      ? sql`((hour >= ${lit.dateTime(from)} AND hour < ${lit.dateTime(firstDay)}) OR (hour >= ${lit.dateTime(endDay)} AND hour < ${lit.dateTime(to)}))`
      : sql`hour >= ${lit.dateTime(from)} AND hour < ${lit.dateTime(to)} ${hourInDaily}`;
  // No hour left for the hourly tables (dailyReadCoversRange): their branches are left out, not run empty.
  const hoursLeft = !dailyReadCoversRange(query);
  const branches = [
    // The reach states are read by argMax, the sums of the hourly table under FINAL (see `branch`).
    ...(useDays ? [branch(tableRef(query.database, ROLLUP_DAILY_TABLES[query.level]), 'day', fromDaily, 'both', reach ? 'argMax' : 'final')] : []),
    ...(hoursLeft ? [branch(tableRef(query.database, ROLLUP_TABLES[query.level]), 'hour', hourly, 'sums')] : []),
    ...(reach && hoursLeft ? [branch(tableRef(query.database, REACH_HOURLY_TABLES[query.level]), 'hour', hourly, 'reach', 'argMax')] : []),
  ];
  return sql`
    SELECT ${sql.join(outKeys)},
      ${sql.join([...sums.map((name) => sql`${id(`m_${name}`)} AS ${id(name)}`), ...(reach ? [sql`m_users AS users`] : [])])}
    FROM (
      SELECT ${sql.join(outKeys)},
        ${sql.join([...sums.map((name) => sql`sum(${id(`b_${name}`)}) AS ${id(`m_${name}`)}`), ...(reach ? [sql`uniqHLL12Merge(b_reach) AS m_users`] : [])])}
      FROM (${sql.join(branches, sql` UNION ALL `)})
      GROUP BY ${sql.join(outKeys)}
    )
    ORDER BY ${sql.join(outKeys)}`;
}
