import { attributionTouchSql } from './attribution-sql';
import { type ClickHouseExecutor } from './clickhouse.executor';
import { localDateOf } from './local-days';
import { localDayStatementsFor, recomputeRollupHour, type AccountTimezone } from './rollup-hour';
import { rollupDayStatements, utcDaysOf } from './rollup-sql';
import {
  DEFAULT_CLICK_WINDOW_DAYS,
  DEFAULT_VIEW_WINDOW_DAYS,
  MAX_ATTRIBUTION_WINDOW_DAYS,
  REACH_HOURLY_TABLES,
  ROLLUP_IVT_COLUMNS,
  ROLLUP_KEY_COLUMN_NAMES,
  ROLLUP_KEY_COLUMNS,
  ROLLUP_SUM_COLUMNS,
  ROLLUP_TABLES,
  ROLLUP_UNATTRIBUTED_COLUMNS,
  tableRef,
} from './schema';
import { lit, sql, SqlLiteralError, type SqlFragment } from './sql-literal';

/**
 * Recomputes a range of UTC hours of one ad account — history loaded at once (the
 * simulator's backfill), late batches — with the figures `recomputeRollupHour` gives
 * hour by hour, in a handful of statements instead of a dozen per hour:
 *
 * 1. the raw-event part of every hour in one INSERT per level (the ad level from the
 *    deduplicated raw events grouped by hour, exactly rollupAdHourSql's expressions;
 *    the parents from the ad level FINAL, as rollupParentHourSql / rollupAccountHourSql);
 * 2. then, hour by hour with `recomputeRollupHour` under a later version, every hour
 *    where conversions enter: the range's conversion hours (attribution, unattributed
 *    counts), the hours their touches are in (stored under any version, so a conversion
 *    that moved is taken out of its old hour), and the later conversion hours of people
 *    or click ids with touches in the range (a touch that arrived after its conversion
 *    was attributed — a superset of what the hourly job finds, harmless to redo).
 *
 * Step 1 also writes the reach tables (uniqHLL12 states, as reachAdHourSql /
 * reachParentHourSql), and last the daily rollups of every UTC day the range touched are
 * rebuilt from the hourly tables (rollupDayStatements), as the hourly job does for its days,
 * and the local days of the account's timezone over the whole range (`timezone`).
 *
 * The hours of step 1 without conversions therefore get the hourly job's rows: with no
 * conversion contributions, its ad level is the raw events' (the keys it already had
 * are among them: raw events are never removed). An hour with no events at all gets no
 * new row (the hourly job writes a zero account row; reads sum nothing either way).
 */

const HOUR_SECONDS = 3600;
const SUM_COLUMNS = ROLLUP_SUM_COLUMNS as readonly string[];
const IDENTIFIERS = ['ad_account_id', 'hour', 'reach', ...ROLLUP_KEY_COLUMN_NAMES, ...SUM_COLUMNS, 'users', ...ROLLUP_IVT_COLUMNS, ...ROLLUP_UNATTRIBUTED_COLUMNS, 'version'];
const id = (name: string): SqlFragment => lit.identifier(name, IDENTIFIERS);

export interface RecomputeRangeOptions {
  database: string;
  adAccountId: string;
  /** Start of the first UTC hour, unix seconds. */
  fromHour: number;
  /** End of the range (exclusive), unix seconds, a whole number of hours after fromHour. */
  toHour: number;
  /** Written to the bulk rows; the hourly recomputes of step 2 take later versions. */
  version: number;
  /** The version of step 2's hourly recomputes (default: Date.now() when they start, at least version + 1). */
  nextVersion?: () => number;
  /** The account's timezone: the local days of the range (every date it touches) are rebuilt too. See AccountTimezone. */
  timezone: AccountTimezone;
}

export interface RecomputeRangeResult {
  /** Hours with raw events, rolled up in bulk. */
  bulkHours: number[];
  /** Hours recomputed one by one (step 2), and any other hour those runs rewrote. */
  hourlyHours: number[];
  /** UTC days (unix seconds) whose daily rollups were rebuilt, ascending. */
  days: number[];
  /** Local dates (YYYY-MM-DD) rebuilt in the account's timezone, ascending; none without one. */
  localDates: string[];
}

function checkRange(options: RecomputeRangeOptions): void {
  const { fromHour, toHour } = options;
  if (!Number.isSafeInteger(fromHour) || fromHour % HOUR_SECONDS !== 0 || !Number.isSafeInteger(toHour) || toHour % HOUR_SECONDS !== 0 || toHour <= fromHour) {
    throw new SqlLiteralError(`a rollup range is whole UTC hours, from before to; got ${fromHour}–${toHour}`);
  }
}

function rangeWhere(options: RecomputeRangeOptions): SqlFragment {
  return sql`ad_account_id = ${lit.int(options.adAccountId, 'UInt64')}
      AND event_date >= ${lit.date(new Date(options.fromHour * 1000))} AND event_date <= ${lit.date(new Date((options.toHour - 1) * 1000))}
      AND event_time >= ${lit.dateTime(options.fromHour)} AND event_time < ${lit.dateTime(options.toHour)}`;
}

/** The range's impressions, clicks and engagements, one row per event id (dedupedHourEventsSql's rule). */
function dedupedRangeEventsSql(options: RecomputeRangeOptions): SqlFragment {
  return sql`
      SELECT event_id,
        any(event_type) AS d_event_type, any(engagement_type) AS d_engagement_type, any(event_time) AS d_event_time,
        any(campaign_id) AS d_campaign_id, any(ad_group_id) AS d_ad_group_id, any(ad_id) AS d_ad_id, any(user_id) AS d_user_id,
        argMax(price_micros, ingested_at) AS d_price_micros, argMax(ivt, ingested_at) AS d_ivt
      FROM ${tableRef(options.database, 'events')}
      WHERE ${rangeWhere(options)} AND event_type IN ('IMPRESSION', 'CLICK', 'ENGAGEMENT')
      GROUP BY event_id`;
}

/** rollupAdHourSql's raw-event contributions for every hour of the range, grouped by hour (no conversions: step 2 adds them). */
function bulkAdLevelSql(options: RecomputeRangeOptions): SqlFragment {
  const valid = sql`d_ivt = 0`;
  const engagement = (type: string): SqlFragment => sql`toUInt64(d_event_type = 'ENGAGEMENT' AND d_engagement_type = ${lit.string(type)} AND ${valid})`;
  const expressions: Record<string, SqlFragment> = {
    impressions: sql`toUInt64(d_event_type = 'IMPRESSION' AND ${valid})`,
    clicks: sql`toUInt64(d_event_type = 'CLICK' AND ${valid})`,
    outbound_clicks: engagement('OUTBOUND_CLICK'),
    saves: engagement('SAVE'),
    closeups: engagement('CLOSEUP'),
    shares: engagement('SHARE'),
    spend_micros: sql`toInt64(if(${valid}, d_price_micros, 0))`,
    billed_impressions: sql`toUInt64(d_event_type = 'IMPRESSION' AND ${valid} AND d_price_micros > 0)`,
    billed_clicks: sql`toUInt64(d_event_type = 'CLICK' AND ${valid} AND d_price_micros > 0)`,
    ivt_impressions: sql`toUInt64(d_event_type = 'IMPRESSION' AND d_ivt != 0)`,
    ivt_clicks: sql`toUInt64(d_event_type = 'CLICK' AND d_ivt != 0)`,
  };
  const sumOf = (name: string): SqlFragment => (expressions[name] ? sql`sum(${expressions[name]})` : name.includes('micros') ? sql`toInt64(0)` : sql`toUInt64(0)`);
  const reach = sql`d_event_type = 'IMPRESSION' AND ${valid}`;
  return sql`
    INSERT INTO ${tableRef(options.database, 'rollup_ad_hourly')}
      (ad_account_id, hour, campaign_id, ad_group_id, ad_id, ${sql.join(SUM_COLUMNS.map(id))}, users, ${sql.join(ROLLUP_IVT_COLUMNS.map(id))}, version)
    SELECT ${lit.int(options.adAccountId, 'UInt64')}, toStartOfHour(d_event_time) AS h, d_campaign_id, d_ad_group_id, d_ad_id,
      ${sql.join(SUM_COLUMNS.map(sumOf))},
      uniqStateIf(if(${reach}, d_user_id, ''), if(${reach}, d_user_id, '') != ''),
      ${sql.join(ROLLUP_IVT_COLUMNS.map(sumOf))},
      ${lit.int(options.version, 'UInt64')}
    FROM (${dedupedRangeEventsSql(options)})
    GROUP BY h, d_campaign_id, d_ad_group_id, d_ad_id`;
}

/** rollupParentHourSql / rollupAccountHourSql for every hour of the range: the ad level FINAL summed to the level's key. */
function bulkParentSql(options: RecomputeRangeOptions, level: 'ad_group' | 'campaign' | 'ad_account'): SqlFragment {
  const keys = ROLLUP_KEY_COLUMNS[level].map(id);
  const keyList = keys.length > 0 ? sql`, ${sql.join(keys)}` : sql``;
  const unattributed = level === 'ad_account' ? { columns: sql`, ${sql.join(ROLLUP_UNATTRIBUTED_COLUMNS.map(id))}`, values: sql`, toUInt64(0), toInt64(0)` } : { columns: sql``, values: sql`` };
  return sql`
    INSERT INTO ${tableRef(options.database, ROLLUP_TABLES[level])}
      (ad_account_id, hour${keyList}, ${sql.join(SUM_COLUMNS.map(id))}, users, ${sql.join(ROLLUP_IVT_COLUMNS.map(id))}${unattributed.columns}, version)
    SELECT ad_account_id, hour${keyList}, ${sql.join(SUM_COLUMNS.map((n) => sql`sum(${id(n)})`))}, uniqMergeState(users),
      ${sql.join(ROLLUP_IVT_COLUMNS.map((n) => sql`sum(${id(n)})`))}${unattributed.values}, ${lit.int(options.version, 'UInt64')}
    FROM ${tableRef(options.database, 'rollup_ad_hourly')} FINAL
    WHERE ad_account_id = ${lit.int(options.adAccountId, 'UInt64')} AND hour >= ${lit.dateTime(options.fromHour)} AND hour < ${lit.dateTime(options.toHour)}
    GROUP BY ad_account_id, hour${keyList}`;
}

/** reachAdHourSql for every hour of the range: one uniqHLL12 state of the valid impression users per ad and hour. */
function bulkReachAdSql(options: RecomputeRangeOptions): SqlFragment {
  const reachUser = sql`if(d_event_type = 'IMPRESSION' AND d_ivt = 0, d_user_id, '')`;
  return sql`
    INSERT INTO ${tableRef(options.database, 'reach_ad_hourly')} (ad_account_id, hour, campaign_id, ad_group_id, ad_id, reach, version)
    SELECT ${lit.int(options.adAccountId, 'UInt64')}, toStartOfHour(d_event_time) AS h, d_campaign_id, d_ad_group_id, d_ad_id,
      uniqHLL12StateIf(${reachUser}, ${reachUser} != ''), ${lit.int(options.version, 'UInt64')}
    FROM (${dedupedRangeEventsSql(options)})
    GROUP BY h, d_campaign_id, d_ad_group_id, d_ad_id`;
}

/** reachParentHourSql for every hour of the range, merged from the ad level's latest states. */
function bulkReachParentSql(options: RecomputeRangeOptions, level: 'ad_group' | 'campaign' | 'ad_account'): SqlFragment {
  const keys = ROLLUP_KEY_COLUMNS[level].map(id);
  const keyList = keys.length > 0 ? sql`, ${sql.join(keys)}` : sql``;
  return sql`
    INSERT INTO ${tableRef(options.database, REACH_HOURLY_TABLES[level])} (ad_account_id, hour${keyList}, reach, version)
    SELECT ad_account_id, hour${keyList}, uniqHLL12MergeState(reach), ${lit.int(options.version, 'UInt64')}
    FROM ${tableRef(options.database, 'reach_ad_hourly')} FINAL
    WHERE ad_account_id = ${lit.int(options.adAccountId, 'UInt64')} AND hour >= ${lit.dateTime(options.fromHour)} AND hour < ${lit.dateTime(options.toHour)}
    GROUP BY ad_account_id, hour${keyList}`;
}

/** Hours (unix seconds) where conversions enter the range's rollups; see step 2 above. */
async function conversionHours(executor: ClickHouseExecutor, options: RecomputeRangeOptions): Promise<number[]> {
  const { database, fromHour, toHour } = options;
  const account = lit.int(options.adAccountId, 'UInt64');
  const events = tableRef(database, 'events');
  const conversions = tableRef(database, 'attributed_conversions');
  const touch = attributionTouchSql({ clickWindowDays: DEFAULT_CLICK_WINDOW_DAYS, viewWindowDays: DEFAULT_VIEW_WINDOW_DAYS });
  const lookbackEnd = toHour + MAX_ATTRIBUTION_WINDOW_DAYS * 86_400;
  const touches = sql`FROM ${events} WHERE ${rangeWhere(options)} AND event_type IN ('CLICK', 'IMPRESSION') AND ivt = 0`;
  const rows = await executor.query<{ h: number }>(sql`
    SELECT DISTINCT toUInt32(toStartOfHour(event_time)) AS h FROM ${events}
    WHERE ${rangeWhere(options)} AND event_type = 'CONVERSION'
    UNION ALL
    SELECT DISTINCT toUInt32(toStartOfHour(${touch.touchTime})) AS h FROM ${conversions}
    WHERE ad_account_id = ${account} AND conversion_date >= ${lit.date(new Date(fromHour * 1000))}
      AND conversion_date <= ${lit.date(new Date(lookbackEnd * 1000))}
      AND ${touch.attributed} AND ${touch.touchTime} >= ${lit.dateTime(fromHour)} AND ${touch.touchTime} < ${lit.dateTime(toHour)}
    UNION ALL
    SELECT DISTINCT toUInt32(toStartOfHour(conversion_time)) AS h FROM ${conversions} FINAL
    WHERE ad_account_id = ${account} AND conversion_date >= ${lit.date(new Date(fromHour * 1000))}
      AND conversion_date <= ${lit.date(new Date(lookbackEnd * 1000))}
      AND conversion_time >= ${lit.dateTime(fromHour)} AND conversion_time < ${lit.dateTime(lookbackEnd)}
      AND ((user_id != '' AND user_id IN (SELECT user_id ${touches} AND user_id != ''))
        OR (click_id != '' AND (click_id IN (SELECT event_id ${touches}) OR concat('c:', click_id) IN (SELECT event_id ${touches}))))`);
  return [...new Set(rows.map((r) => Number(r.h)))].sort((a, b) => a - b);
}

export async function recomputeRollupRange(executor: ClickHouseExecutor, options: RecomputeRangeOptions): Promise<RecomputeRangeResult> {
  checkRange(options);
  const { database, adAccountId } = options;
  const hoursWithEvents = await executor.query<{ h: number }>(sql`
    SELECT DISTINCT toUInt32(toStartOfHour(event_time)) AS h FROM ${tableRef(database, 'events')}
    WHERE ${rangeWhere(options)} AND event_type IN ('IMPRESSION', 'CLICK', 'ENGAGEMENT') ORDER BY h`);
  const bulkHours = hoursWithEvents.map((r) => Number(r.h));
  if (bulkHours.length > 0) {
    await executor.command(bulkAdLevelSql(options));
    await executor.command(bulkReachAdSql(options));
    for (const level of ['ad_group', 'campaign', 'ad_account'] as const) {
      await executor.command(bulkParentSql(options, level));
      await executor.command(bulkReachParentSql(options, level));
    }
  }
  const hourly = new Set<number>();
  const nextVersion = options.nextVersion ?? (() => Math.max(Date.now(), options.version + 1));
  for (const hour of await conversionHours(executor, options)) {
    // The local days are built once at the end for the whole range and every hour rewritten here.
    const result = await recomputeRollupHour(executor, { database, adAccountId, hour, version: nextVersion(), timezone: null });
    for (const h of result.hours) hourly.add(h);
  }
  // Last, the days: each build reads the newest hourly rows of its day (version = their sum).
  // Every whole UTC day of the range is rebuilt too, events or not, so a range job also
  // fills the daily rows of days whose hourly rows came from elsewhere (missingDailyRollupDaysSql).
  const wholeDays: number[] = [];
  for (let day = Math.ceil(options.fromHour / 86_400) * 86_400; day + 86_400 <= options.toHour; day += 86_400) wholeDays.push(day);
  const days = utcDaysOf([...bulkHours, ...hourly, ...wholeDays]);
  // Local days: every date the range touches, one statement per level, and the dates of the hours
  // step 2 rewrote outside it (touches of conversions, up to the longest window away) one by one.
  const local = await localDayStatementsFor(options, [options.fromHour, options.toHour - HOUR_SECONDS], 'span');
  const outside = local.timezone === null ? [] : [...hourly].filter((h) => !local.dates.includes(localDateOf(h, local.timezone!)));
  const others = await localDayStatementsFor({ ...options, timezone: local.timezone }, outside, 'each');
  const statements = [...local.statements, ...others.statements];
  if (days.length > 0) {
    // One statement per level for the whole span of days (a day without hourly rows gets no row, as before).
    const span = { database, adAccountId, day: days[0]!, days: (days[days.length - 1]! - days[0]!) / 86_400 + 1 };
    statements.push(...rollupDayStatements(span));
  }
  await Promise.all(statements.map((statement) => executor.command(statement)));
  return { bulkHours, hourlyHours: [...hourly].sort((a, b) => a - b), days, localDates: [...local.dates, ...others.dates].sort() };
}
