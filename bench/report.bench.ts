import { Client } from 'pg';
import {
  dailyReadCoversRange,
  hasLocalDayRollups,
  localDaysCoverRange,
  lit,
  localDateOf,
  rollupLocalDayStatements,
  REACH_HOURLY_TABLES,
  recomputeRollupHour,
  rollupSql,
  ROLLUP_DAILY_TABLES,
  ROLLUP_LOCAL_DAILY_TABLES,
  ROLLUP_IVT_COLUMNS,
  ROLLUP_KEY_COLUMNS,
  ROLLUP_SUM_COLUMNS,
  ROLLUP_TABLES,
  ROLLUP_UNATTRIBUTED_COLUMNS,
  sql,
  tableRef,
  type ClickHouseExecutor,
  type Granularity,
  type RollupLevel,
  type SqlFragment,
} from '@loupe/analytics';
import { measuresFor, OVERVIEW_COLUMNS, PINTEREST_COLUMNS, ROW_METRIC_COLUMNS, TREND_COLUMNS, type MeasureName, type PinterestColumn } from '@loupe/metrics';
import { loadConfig, MeasureStore, measureReadPlan, type LocalDayZones, type LoupeConfig } from '@loupe/server-core';
import { createClickHouseDatabase, openClickHouseDatabase } from './clickhouse-bench-db';
import { percentile, type BenchFigure, type BenchSize, type Benchmark } from './harness';

/*
 * `bench/report`: the dashboard's reads from the hourly rollups against the same
 * question asked of the raw `events` table, in the same run, on the local ClickHouse.
 *
 * 1. A fresh database (created, migrated with runClickHouseMigrations, dropped here).
 * 2. N raw events generated inside ClickHouse: `INSERT INTO events SELECT … FROM
 *    numbers(chunk)` in chunks, deterministic from the row number: 4 ad accounts,
 *    8 campaigns / 20 ad groups / 40 ads each, 85% impressions, 10% clicks, 5%
 *    engagements, 2% invalid traffic, 1,000,000 users, spread evenly over 460 days.
 * 3. The rollups, built in bulk: per (ad account, calendar month) one INSERT into
 *    rollup_ad_hourly with exactly the expressions of rollupAdHourSql's raw part
 *    (events deduplicated by GROUP BY event_id, latest ingested_at's price and IVT
 *    flag), grouped by toStartOfHour(event_time) instead of one statement per hour;
 *    then campaign, ad group and account levels from the ad level FINAL, as
 *    rollupParentHourSql / rollupAccountHourSql do; then the 0003 tables: reach per
 *    ad and hour (uniqHLL12) from the raw events, its parents, and every level's
 *    daily rows from the hourly FINAL (version = sum of the hourly versions), as
 *    reachAdHourSql / reachParentHourSql / rollupDaySql do. There are no
 *    conversions, so the attribution parts contribute nothing. Recomputing 44,160
 *    (account, hour) pairs one by one would take hours; to prove the bulk build
 *    equals the library's, three sample hours are then recomputed with
 *    recomputeRollupHour (a higher version replaces the bulk rows, and the hour's
 *    day is rebuilt) and every level's hourly, reach and daily rows must read back
 *    identical.
 * 4. Each dashboard question through MeasureStore.read, reading the rollup columns of the
 *    Pinterest columns the screen that asks it requests (rollupSql FINAL: every hour
 *    from the hourly tables, or with reach whole UTC days from the daily tables and
 *    reach from their uniqHLL12 states; + the metrics library, exactly what the analytics endpoint and the report
 *    builder call), p95 over repeated runs, beside the same question of `events
 *    FINAL` (the deduplicated raw events, excluding invalid traffic as the rollups
 *    do); the totals of both must agree, or the benchmark fails. Diagnostic: each
 *    question through the read MeasureStore does not take for it (the daily read for
 *    the questions without reach, the hourly read with uniqMerge(users) for the one
 *    with reach), same columns, same check against raw.
 *
 * BENCH_REPORT_KEEP_DB=1 keeps the database; BENCH_REPORT_DATABASE=<name> reuses a
 * kept one (its events, and whichever rollups it has; everything else is redone).
 */

const ACCOUNTS = 4;
const CAMPAIGNS = 8;
const AD_GROUPS = 20;
const ADS = 40;
const DAYS = 460;
const DAY = 86_400;
/** Data ends at this UTC instant (exclusive): the end of Q3 2026. */
const END = Date.UTC(2026, 9, 1) / 1000;
const START = END - DAYS * DAY;
const TIMEZONE = 'America/New_York';
/** New York midnight in UTC during daylight saving time (July–October): 04:00. */
const LOCAL_MIDNIGHT_OFFSET = 4 * 3600;

interface Plan {
  events: number;
  chunk: number;
  runs: number;
  rawRuns: number;
  /** Time per question and path after which no further runs start (at least 5 run). */
  budgetMs: number;
}
const PLANS: Record<BenchSize, Plan> = {
  tiny: { events: 300_000, chunk: 300_000, runs: 5, rawRuns: 5, budgetMs: 2_000 },
  // 200 reads per question: a p95 of 40 is the second-slowest read, which one scheduler hiccup on
  // the shared 2 cores decides; the raw reads take ~1 s each, so 10 of them.
  full: { events: Number(process.env.BENCH_REPORT_EVENTS ?? 100_000_000), chunk: 5_000_000, runs: 200, rawRuns: 10, budgetMs: 30_000 },
};

const accountId = (i: number): string => String(1001 + i);

/** Column names the bench's own SQL may name (the allow-list lit.identifier checks against). */
const SUMS = ROLLUP_SUM_COLUMNS as readonly string[];
const IVT = ROLLUP_IVT_COLUMNS as readonly string[];
const UNATTRIBUTED = ROLLUP_UNATTRIBUTED_COLUMNS as readonly string[];
const NAMES = [...SUMS, ...IVT, ...UNATTRIBUTED, 'users', 'reach', 'campaign_id', 'ad_group_id', 'ad_id'];
const id = (name: string): SqlFragment => lit.identifier(name, NAMES);

async function loadEvents(ch: ClickHouseExecutor, database: string, plan: Plan): Promise<void> {
  const span = lit.int(DAYS * DAY, 'UInt64');
  const total = lit.int(plan.events, 'UInt64');
  for (let offset = 0; offset < plan.events; offset += plan.chunk) {
    const rows = Math.min(plan.chunk, plan.events - offset);
    // n: the global row number; h: a hash of it picking type, ad, user and price.
    await ch.command(sql`
      INSERT INTO ${tableRef(database, 'events')}
        (event_id, event_type, engagement_type, event_time, event_date, ad_account_id, campaign_id, ad_group_id, ad_id,
         user_id, price_micros, ivt, placement, ingested_at)
      SELECT concat('e', toString(n)),
        multiIf(h % 100 < 85, 'IMPRESSION', h % 100 < 95, 'CLICK', 'ENGAGEMENT'),
        if(h % 100 < 95, '', arrayElement(['SAVE', 'CLOSEUP', 'OUTBOUND_CLICK', 'SHARE'], toUInt32(1 + intDiv(h, 100) % 4))),
        t, toDate(t), ${lit.int(1001, 'UInt64')} + n % ${lit.int(ACCOUNTS, 'UInt64')},
        (n % ${lit.int(ACCOUNTS, 'UInt64')}) * 1000 + 100 + ad % ${lit.int(AD_GROUPS, 'UInt64')} % ${lit.int(CAMPAIGNS, 'UInt64')},
        (n % ${lit.int(ACCOUNTS, 'UInt64')}) * 1000 + 200 + ad % ${lit.int(AD_GROUPS, 'UInt64')},
        (n % ${lit.int(ACCOUNTS, 'UInt64')}) * 1000 + 300 + ad,
        concat('u', toString(intHash64(n) % 1000000)),
        toInt64(multiIf(h % 100 < 85, 1000 + intDiv(h, 100) % 4000, h % 100 < 95, 200000 + intDiv(h, 100) % 800000, 0)),
        toUInt8(intDiv(h, 7) % 50 = 0),
        'BROWSE',
        t
      FROM (
        SELECT n, intHash32(n) AS h, intHash32(n + 1) % ${lit.int(ADS, 'UInt32')} AS ad,
          toDateTime(${lit.int(START, 'UInt32')} + intDiv(n * ${span}, ${total}), 'UTC') AS t
        FROM (SELECT number + ${lit.int(offset, 'UInt64')} AS n FROM numbers(${lit.int(rows, 'UInt64')}))
      )`);
  }
}

/** rollupAdHourSql's raw-event contributions, for a whole (account, month) at once, grouped by hour. */
function bulkAdLevelSql(database: string, account: string, from: Date, to: Date): SqlFragment {
  const valid = sql`d_ivt = 0`;
  const engagement = (type: string): SqlFragment =>
    sql`toUInt64(d_event_type = 'ENGAGEMENT' AND d_engagement_type = ${lit.string(type)} AND ${valid})`;
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
  // No conversions in the bench data: their columns are zero, as the attribution branch would give.
  const sumOf = (name: string): SqlFragment =>
    expressions[name] ? sql`sum(${expressions[name]})` : name.includes('micros') ? sql`toInt64(0)` : sql`toUInt64(0)`;
  return sql`
    INSERT INTO ${tableRef(database, 'rollup_ad_hourly')}
      (ad_account_id, hour, campaign_id, ad_group_id, ad_id, ${sql.join(SUMS.map(id))}, users, ${sql.join(IVT.map(id))}, version)
    SELECT ${lit.int(account, 'UInt64')}, toStartOfHour(d_event_time), d_campaign_id, d_ad_group_id, d_ad_id,
      ${sql.join(SUMS.map(sumOf))},
      uniqStateIf(if(d_event_type = 'IMPRESSION' AND ${valid}, d_user_id, ''), d_event_type = 'IMPRESSION' AND ${valid} AND d_user_id != ''),
      ${sql.join(IVT.map(sumOf))},
      toUInt64(1)
    FROM (
      SELECT event_id, any(event_type) AS d_event_type, any(engagement_type) AS d_engagement_type, any(event_time) AS d_event_time,
        any(campaign_id) AS d_campaign_id, any(ad_group_id) AS d_ad_group_id, any(ad_id) AS d_ad_id, any(user_id) AS d_user_id,
        argMax(price_micros, ingested_at) AS d_price_micros, argMax(ivt, ingested_at) AS d_ivt
      FROM ${tableRef(database, 'events')}
      WHERE ad_account_id = ${lit.int(account, 'UInt64')} AND event_date >= ${lit.date(from)} AND event_date < ${lit.date(to)}
        AND event_type IN ('IMPRESSION', 'CLICK', 'ENGAGEMENT')
      GROUP BY event_id
    )
    GROUP BY toStartOfHour(d_event_time), d_campaign_id, d_ad_group_id, d_ad_id`;
}

/** rollupParentHourSql / rollupAccountHourSql for every hour at once: the ad level FINAL, summed to the parent's key. */
function bulkParentSql(database: string, level: 'campaign' | 'ad_group' | 'ad_account'): SqlFragment {
  const keys = level === 'campaign' ? ['campaign_id'] : level === 'ad_group' ? ['campaign_id', 'ad_group_id'] : [];
  const table = level === 'campaign' ? 'rollup_campaign_hourly' : level === 'ad_group' ? 'rollup_ad_group_hourly' : 'rollup_ad_account_hourly';
  const keyList = keys.length > 0 ? sql`, ${sql.join(keys.map(id))}` : sql``;
  const unattributed = level === 'ad_account' ? { columns: sql`, unattributed_conversions, unattributed_value_micros`, values: sql`, toUInt64(0), toInt64(0)` } : { columns: sql``, values: sql`` };
  return sql`
    INSERT INTO ${tableRef(database, table)}
      (ad_account_id, hour${keyList}, ${sql.join(SUMS.map(id))}, users, ${sql.join(IVT.map(id))}${unattributed.columns}, version)
    SELECT ad_account_id, hour${keyList}, ${sql.join(SUMS.map((n) => sql`sum(${id(n)})`))}, uniqMergeState(users),
      ${sql.join(IVT.map((n) => sql`sum(${id(n)})`))}${unattributed.values}, toUInt64(1)
    FROM ${tableRef(database, 'rollup_ad_hourly')} FINAL
    GROUP BY ad_account_id, hour${keyList}`;
}

/**
 * reachAdHourSql for one account at once: one uniqHLL12 state per ad and hour, for
 * every ad key the ad level has (every event type gives a key; only non-IVT
 * impressions add a user). No GROUP BY event_id here: the generated event ids are
 * unique and every row is final, so it changes nothing (the sample hours checked
 * against recomputeRollupHour prove it) and saves a second deduplicating scan.
 */
function bulkReachAdSql(database: string, account: string): SqlFragment {
  return sql`
    INSERT INTO ${tableRef(database, 'reach_ad_hourly')} (ad_account_id, hour, campaign_id, ad_group_id, ad_id, reach, version)
    SELECT ad_account_id, toStartOfHour(event_time) AS h, campaign_id, ad_group_id, ad_id,
      uniqHLL12StateIf(user_id, event_type = 'IMPRESSION' AND ivt = 0 AND user_id != ''), toUInt64(1)
    FROM ${tableRef(database, 'events')}
    WHERE ad_account_id = ${lit.int(account, 'UInt64')} AND event_type IN ('IMPRESSION', 'CLICK', 'ENGAGEMENT')
    GROUP BY ad_account_id, h, campaign_id, ad_group_id, ad_id`;
}

/** reachParentHourSql for every hour at once. */
function bulkReachParentSql(database: string, level: 'campaign' | 'ad_group' | 'ad_account'): SqlFragment {
  const keys = ROLLUP_KEY_COLUMNS[level].map(id);
  const keyList = keys.length > 0 ? sql`, ${sql.join(keys)}` : sql``;
  return sql`
    INSERT INTO ${tableRef(database, REACH_HOURLY_TABLES[level])} (ad_account_id, hour${keyList}, reach, version)
    SELECT ad_account_id, hour${keyList}, uniqHLL12MergeState(reach), toUInt64(1)
    FROM ${tableRef(database, 'reach_ad_hourly')} FINAL
    GROUP BY ad_account_id, hour${keyList}`;
}

/** rollupDaySql for every UTC day at once: the hourly rollups and reach FINAL, summed per day; version = sum of the hourly versions. */
function bulkDailySql(database: string, level: RollupLevel): SqlFragment {
  const keys = ROLLUP_KEY_COLUMNS[level].map(id);
  const keyList = keys.length > 0 ? sql`, ${sql.join(keys)}` : sql``;
  const others = [...IVT, ...(level === 'ad_account' ? UNATTRIBUTED : [])];
  const all = [...SUMS, ...others];
  const b = (name: string): SqlFragment => lit.identifier(`b_${name}`, all.map((n) => `b_${n}`));
  const zero = (name: string): SqlFragment => (name.includes('micros') ? sql`sum(toInt64(0))` : sql`sum(toUInt64(0))`);
  return sql`
    INSERT INTO ${tableRef(database, ROLLUP_DAILY_TABLES[level])}
      (ad_account_id, day${keyList}, ${sql.join(SUMS.map(id))}, reach, ${sql.join(others.map(id))}, version)
    SELECT ad_account_id, day${keyList}, ${sql.join(SUMS.map((n) => sql`sum(${b(n)})`))}, uniqHLL12MergeState(b_reach),
      ${sql.join(others.map((n) => sql`sum(${b(n)})`))}, sum(b_version)
    FROM (
      SELECT ad_account_id, toStartOfDay(hour, 'UTC') AS day${keyList}, ${sql.join(all.map((n) => sql`sum(${id(n)}) AS ${b(n)}`))},
        uniqHLL12StateIf('', 0) AS b_reach, sum(version) AS b_version
      FROM ${tableRef(database, ROLLUP_TABLES[level])} FINAL
      GROUP BY ad_account_id, day${keyList}
      UNION ALL
      SELECT ad_account_id, toStartOfDay(hour, 'UTC') AS day${keyList}, ${sql.join(all.map((n) => sql`${zero(n)} AS ${b(n)}`))},
        uniqHLL12MergeState(reach) AS b_reach, sum(version) AS b_version
      FROM ${tableRef(database, REACH_HOURLY_TABLES[level])} FINAL
      GROUP BY ad_account_id, day${keyList}
    )
    GROUP BY ad_account_id, day${keyList}`;
}

/** The 0002 hourly rollups, in bulk. */
async function buildHourlyRollups(ch: ClickHouseExecutor, database: string): Promise<void> {
  for (let a = 0; a < ACCOUNTS; a++) {
    const first = new Date(START * 1000);
    for (let m = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1)); m.getTime() < END * 1000; ) {
      const next = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1));
      await ch.command(bulkAdLevelSql(database, accountId(a), m, next));
      m = next;
    }
  }
  await ch.command(bulkParentSql(database, 'ad_group'));
  await ch.command(bulkParentSql(database, 'campaign'));
  await ch.command(bulkParentSql(database, 'ad_account'));
}

/** The 0003 reach and daily tables, in bulk (the daily ones from the hourly FINAL). */
async function buildReachAndDaily(ch: ClickHouseExecutor, database: string): Promise<void> {
  for (let a = 0; a < ACCOUNTS; a++) await ch.command(bulkReachAdSql(database, accountId(a)));
  for (const level of ['ad_group', 'campaign', 'ad_account'] as const) await ch.command(bulkReachParentSql(database, level));
  for (const level of ['ad', 'ad_group', 'campaign', 'ad_account'] as const) await ch.command(bulkDailySql(database, level));
}

/**
 * The 0005 local-day tables of every account in New York, with the worker's own statements
 * (rollupLocalDayStatements, 31 days per statement as RollupService.rebuildLocalDays).
 */
async function buildLocalDays(ch: ClickHouseExecutor, database: string): Promise<void> {
  const first = localDateOf(START, TIMEZONE);
  const last = localDateOf(END - 1, TIMEZONE);
  const days = Math.round((Date.parse(last) - Date.parse(first)) / (DAY * 1000)) + 1;
  for (let a = 0; a < ACCOUNTS; a++) {
    for (let offset = 0; offset < days; offset += 31) {
      const firstDate = new Date(Date.parse(first) + offset * DAY * 1000).toISOString().slice(0, 10);
      const statements = rollupLocalDayStatements({ database, adAccountId: accountId(a), timezone: TIMEZONE, firstDate, days: Math.min(31, days - offset) });
      await Promise.all(statements.map((statement) => ch.command(statement)));
    }
  }
}

/** Waits (at most 2 minutes) until no merge of the database has run for two polls a second apart. */
async function mergesSettled(ch: ClickHouseExecutor, database: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  let quiet = 0;
  while (quiet < 2 && Date.now() < deadline) {
    const [row] = await ch.query<{ n: string }>(sql`SELECT count() AS n FROM system.merges WHERE database = ${lit.string(database)}`);
    quiet = Number(row?.n ?? 0) === 0 ? quiet + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

async function rowCount(
  ch: ClickHouseExecutor,
  database: string,
  table: 'events' | 'rollup_ad_account_hourly' | 'rollup_ad_account_daily' | 'rollup_ad_account_local_daily',
): Promise<number> {
  const [row] = await ch.query<{ n: string }>(sql`SELECT count() AS n FROM ${tableRef(database, table)}`);
  return Number(row?.n ?? 0);
}

type Row = Record<string, string | number>;

/** Every rollup, reach, daily and local-day row of one hour (and its UTC and New York day) at every level (FINAL, states merged), as text to compare. */
async function hourSnapshot(ch: ClickHouseExecutor, database: string, account: string, hour: number): Promise<string> {
  const parts: string[] = [];
  const day = Math.floor(hour / DAY) * DAY;
  const all = [...SUMS, ...IVT];
  for (const level of ['ad_account', 'campaign', 'ad_group', 'ad'] as const) {
    const keys = ROLLUP_KEY_COLUMNS[level].map(id);
    const keyList = keys.length > 0 ? sql`, ${sql.join(keys)}` : sql``;
    const where = (time: string, at: number): SqlFragment =>
      sql`WHERE ad_account_id = ${lit.int(account, 'UInt64')} AND ${lit.identifier(time, ['hour', 'day'])} = ${lit.dateTime(at)}`;
    const sums = sql`, ${sql.join(all.map(id))}`;
    const tables: [SqlFragment, SqlFragment, SqlFragment][] = [
      [sums, sql`uniqMerge(users)`, sql`${tableRef(database, ROLLUP_TABLES[level])} FINAL ${where('hour', hour)}`],
      [sql``, sql`uniqHLL12Merge(reach)`, sql`${tableRef(database, REACH_HOURLY_TABLES[level])} FINAL ${where('hour', hour)}`],
      [sums, sql`uniqHLL12Merge(reach)`, sql`${tableRef(database, ROLLUP_DAILY_TABLES[level])} FINAL ${where('day', day)}`],
      [
        sums,
        sql`uniqHLL12Merge(reach)`,
        sql`${tableRef(database, ROLLUP_LOCAL_DAILY_TABLES[level])} FINAL
          WHERE ad_account_id = ${lit.int(account, 'UInt64')} AND timezone = ${lit.string(TIMEZONE)} AND day = ${lit.date(localDateOf(hour, TIMEZONE))}`,
      ],
    ];
    for (const [group, merged, from] of tables) {
      const rows = await ch.query<Row>(sql`
        SELECT ad_account_id${keyList}${group}, ${merged} AS merged FROM ${from}
        GROUP BY ad_account_id${keyList}${group}
        ORDER BY ad_account_id${keyList}`);
      parts.push(`${level}: ${JSON.stringify(rows)}`);
    }
  }
  return parts.join('\n');
}

/** Recomputes sample hours with the library; the rows must not change. */
async function checkBulkRollups(ch: ClickHouseExecutor, database: string): Promise<void> {
  const samples = [START + 30 * DAY + 13 * 3600, START + 200 * DAY + 2 * 3600, END - 3 * 3600];
  for (const [i, hour] of samples.entries()) {
    const account = accountId(i % ACCOUNTS);
    const before = await hourSnapshot(ch, database, account, hour);
    await recomputeRollupHour(ch, { database, adAccountId: account, hour, version: 2, timezone: TIMEZONE });
    const after = await hourSnapshot(ch, database, account, hour);
    if (before !== after) throw new Error(`bench rollups differ from recomputeRollupHour at ${account} ${new Date(hour * 1000).toISOString()}:\n${before}\n---\n${after}`);
  }
}

interface Question {
  name: string;
  level: RollupLevel;
  granularity: Granularity;
  from: number;
  to: number;
  /** Does the question show reach (TOTAL_IMPRESSION_USER)? The dashboard's KPIs do not. */
  reach: boolean;
  /** The asking ad account's timezone (default America/New_York, whose days start at 04:00 or 05:00 UTC). */
  timezone?: string;
  /**
   * The Pinterest columns the screen asking this question requests (the dashboard's
   * lists in libs/metrics); MeasureStore reads only their rollup
   * columns. Impressions and spend are always added: the answer is checked on them.
   */
  columns: readonly PinterestColumn[];
}

/** Revenue by quarter (apps/api/src/analytics/revenue.service.ts reads spend and conversion value). */
const REVENUE_COLUMNS = TREND_COLUMNS;

function questionMeasures(q: Question): MeasureName[] {
  return [...new Set<MeasureName>(['impressions', 'spendMicros', ...measuresFor(q.columns.map((c) => PINTEREST_COLUMNS[c]))])];
}

/** The raw-table equivalent of a question: events FINAL, invalid traffic excluded, grouped like the rollup read. */
function rawSql(database: string, account: string, q: Question): SqlFragment {
  const group =
    q.level === 'campaign'
      ? sql`campaign_id`
      : q.granularity === 'DAY'
        ? sql`toDate(event_time, ${lit.string(q.timezone ?? TIMEZONE)})`
        : q.granularity === 'QUARTER'
          ? sql`toStartOfQuarter(event_time, ${lit.string(q.timezone ?? TIMEZONE)})`
          : sql`ad_account_id`;
  const valid = sql`ivt = 0`;
  const engagement = (type: string): SqlFragment => sql`countIf(event_type = 'ENGAGEMENT' AND engagement_type = ${lit.string(type)} AND ${valid})`;
  return sql`
    SELECT ${group} AS k, countIf(event_type = 'IMPRESSION' AND ${valid}) AS impressions, countIf(event_type = 'CLICK' AND ${valid}) AS clicks,
      ${engagement('OUTBOUND_CLICK')} AS outbound_clicks, ${engagement('SAVE')} AS saves, ${engagement('CLOSEUP')} AS closeups, ${engagement('SHARE')} AS shares,
      sumIf(price_micros, ${valid}) AS spend_micros${q.reach ? sql`, uniqIf(user_id, event_type = 'IMPRESSION' AND ${valid}) AS users` : sql``}
    FROM ${tableRef(database, 'events')} FINAL
    WHERE ad_account_id = ${lit.int(account, 'UInt64')}
      AND event_date >= ${lit.date(new Date(q.from * 1000))} AND event_date <= ${lit.date(new Date(q.to * 1000))}
      AND event_time >= ${lit.dateTime(q.from)} AND event_time < ${lit.dateTime(q.to)}
      AND event_type IN ('IMPRESSION', 'CLICK', 'ENGAGEMENT')
    GROUP BY k
    ORDER BY k`;
}

/**
 * p95 of `fn` after one warm-up run: `runs` runs, or fewer once `budgetMs` is spent
 * (never fewer than 5) so a slow read on a loaded machine still finishes.
 */
async function timed<T>(runs: number, budgetMs: number, fn: () => Promise<T>): Promise<{ p95: number; runs: number; last: T }> {
  let last = await fn(); // warm-up: caches, JIT
  const times: number[] = [];
  const start = Date.now();
  while (times.length < runs && (times.length < 5 || Date.now() - start < budgetMs)) {
    const t0 = process.hrtime.bigint();
    last = await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p95: percentile(times, 95), runs: times.length, last };
}

export const reportBenchmark: Benchmark = {
  name: 'report',
  async run(size: BenchSize): Promise<BenchFigure[]> {
    const plan = PLANS[size];
    const base = loadConfig();
    // BENCH_REPORT_DATABASE: reuse a database an earlier run kept (BENCH_REPORT_KEEP_DB=1):
    // its events (the same deterministic generator) and whatever rollups it has; the
    // rest is built, migrations applied, and every read timed afresh in this run.
    const reused = process.env.BENCH_REPORT_DATABASE;
    const bench = reused ? await openClickHouseDatabase(base, reused) : await createClickHouseDatabase(base, 'report');
    const ch = bench.executor;
    const pg = new Client({ connectionString: base.postgres.url });
    try {
      const t0 = Date.now();
      const present = await rowCount(ch, bench.database, 'events');
      if (present === 0) await loadEvents(ch, bench.database, plan);
      else if (present !== plan.events) throw new Error(`report bench: ${bench.database} holds ${present} events, not ${plan.events}`);
      const loadedMs = Date.now() - t0;
      if ((await rowCount(ch, bench.database, 'rollup_ad_account_hourly')) === 0) await buildHourlyRollups(ch, bench.database);
      if ((await rowCount(ch, bench.database, 'rollup_ad_account_daily')) === 0) await buildReachAndDaily(ch, bench.database);
      if ((await rowCount(ch, bench.database, 'rollup_ad_account_local_daily')) === 0) await buildLocalDays(ch, bench.database);
      const rolledMs = Date.now() - t0 - loadedMs;
      await checkBulkRollups(ch, bench.database);
      // The check's recomputes (and a fresh build) leave new parts that ClickHouse merges in the
      // background: time the reads once those merges are done, not beside them.
      await mergesSettled(ch, bench.database);
      process.stdout.write(
        `report: ${plan.events.toLocaleString('en-US')} events ${present === 0 ? 'loaded' : 'reused'} in ${(loadedMs / 1000).toFixed(1)} s, rolled up in ${(rolledMs / 1000).toFixed(1)} s (${bench.database})\n`,
      );

      const config: LoupeConfig = { ...base, clickhouse: { ...base.clickhouse, database: bench.database } };
      // The bench's accounts live only in ClickHouse, and their New York days are built above.
      // MeasureStore asks Postgres whether an account's local days are complete: the bench
      // asks Postgres the same question (the same statement PostgresLocalDayZones runs, so
      // each read pays the round trip it pays in the API) and answers yes for New York.
      await pg.connect();
      const zones: LocalDayZones = {
        async completeIn(ids, timezone) {
          if (!hasLocalDayRollups(timezone)) return false;
          await pg.query('SELECT count(*) AS complete FROM ad_accounts WHERE id = ANY($1::bigint[]) AND local_rollups_timezone = $2', [ids, timezone]);
          return timezone === TIMEZONE;
        },
      };
      const store = new MeasureStore(ch, config, zones);
      const account = accountId(0);
      const last90 = { from: END - 90 * DAY + LOCAL_MIDNIGHT_OFFSET, to: END + LOCAL_MIDNIGHT_OFFSET };
      // Quarter over quarter: Q3 2026, the quarter before and the same quarter a year earlier (local quarters).
      const quarters = { from: Date.UTC(2025, 6, 1) / 1000 + LOCAL_MIDNIGHT_OFFSET, to: END + LOCAL_MIDNIGHT_OFFSET };
      const questions: Question[] = [
        { name: 'account TOTAL, 90 days', level: 'ad_account', granularity: 'TOTAL', reach: false, columns: OVERVIEW_COLUMNS, ...last90 },
        { name: 'account DAY series, 90 days', level: 'ad_account', granularity: 'DAY', reach: false, columns: TREND_COLUMNS, ...last90 },
        { name: 'campaign breakdown TOTAL, 90 days', level: 'campaign', granularity: 'TOTAL', reach: false, columns: ROW_METRIC_COLUMNS, ...last90 },
        { name: 'QoQ: 5 quarters by QUARTER', level: 'ad_account', granularity: 'QUARTER', reach: false, columns: REVENUE_COLUMNS, ...quarters },
        // Reach (TOTAL_IMPRESSION_USER), as a report-builder column beside the overview's.
        { name: 'account TOTAL with reach, 90 days', level: 'ad_account', granularity: 'TOTAL', reach: true, columns: [...OVERVIEW_COLUMNS, 'TOTAL_IMPRESSION_USER'], ...last90 },
        // The same series for an account in UTC: its days are the daily tables' days, so the read is one daily branch.
        { name: 'account DAY series, 90 days, UTC account', level: 'ad_account', granularity: 'DAY', reach: false, columns: TREND_COLUMNS, timezone: 'UTC', from: END - 90 * DAY, to: END },
      ];
      const figures: BenchFigure[] = [];
      const otherFigures: BenchFigure[] = [];
      for (const q of questions) {
        // What both reads of the question are asked: level, account, range, granularity, timezone.
        const slice = { level: q.level, adAccountIds: [account], from: new Date(q.from * 1000), to: new Date(q.to * 1000), granularity: q.granularity, timezone: q.timezone ?? TIMEZONE };
        const rollup = await timed(plan.runs, plan.budgetMs, () =>
          store.read({
            ...slice,
            clickWindowDays: 30,
            viewWindowDays: 1,
            reportTime: 'TIME_OF_AD_ACTION',
            reach: q.reach,
            measures: questionMeasures(q),
          }),
        );
        const raw = await timed(plan.rawRuns, plan.budgetMs, () => ch.query<Row>(rawSql(bench.database, account, q)));
        // Same question, same answer: impressions and spend per row must match exactly.
        const fromRollups = rollup.last.map((r) => `${r.measures.impressions}/${r.measures.spendMicros}`).join(',');
        const fromRaw = raw.last.map((r) => `${r.impressions}/${r.spend_micros}`).join(',');
        if (fromRollups !== fromRaw) throw new Error(`report bench: ${q.name} differs between rollups and raw events:\n${fromRollups}\n${fromRaw}`);
        const ratio = rollup.p95 / raw.p95;
        // The read MeasureStore does not take for this question, timed beside it as a diagnostic:
        // with reach, or when the daily tables' days cover the slice, it takes the daily read, so
        // the other is the hourly read (every hour FINAL, reach = uniqMerge(users)); otherwise it
        // takes the hourly read, so the other is the daily one (whole UTC days from the daily
        // tables, edge hours hourly). Diagnostics run once at tiny size (the test suite only
        // checks they still work).
        const diagnosticRuns = size === 'tiny' ? 1 : plan.runs;
        // With the local days (0005) MeasureStore reads them alone; the other read is then the one it took before them.
        const local = localDaysCoverRange(slice) && (await zones.completeIn(slice.adAccountIds, slice.timezone));
        const defaultDaily = q.reach || dailyReadCoversRange(slice);
        const otherDaily = local ? defaultDaily : !defaultDaily;
        const otherName = otherDaily ? 'daily read (rollupSql daily: true, 0003/0004 UTC days + edge hours)' : 'hourly read (rollupSql without daily, reach = uniqMerge(users))';
        const other = await timed(diagnosticRuns, plan.budgetMs, () =>
          ch.query<Row>(
            rollupSql({
              database: bench.database,
              ...slice,
              daily: otherDaily,
              ...measureReadPlan({ measures: questionMeasures(q), reach: q.reach }),
            }),
          ),
        );
        const fromOther = other.last.map((r) => `${r.impressions}/${r.spend_micros}`).join(',');
        if (fromOther !== fromRaw) throw new Error(`report bench: ${q.name} differs between the ${otherDaily ? 'daily' : 'hourly'} read and raw events:\n${fromOther}\n${fromRaw}`);
        otherFigures.push({
          benchmark: 'report',
          metric: `diagnostic: ${q.name} through the ${otherName}, ${local ? 'which MeasureStore took before the local-day tables' : 'which MeasureStore does not take for it'}, same columns, p95 ms (${other.runs} runs)`,
          value: other.p95,
          unit: 'ms',
          baseline: 'same question of raw events FINAL (above)',
          baselineValue: raw.p95,
          ratio: other.p95 / raw.p95,
        });
        figures.push({
          benchmark: 'report',
          metric: `${q.name}: p95 ms via MeasureStore (rollups, ${rollup.runs} runs; raw ${raw.runs} runs), ${plan.events.toLocaleString('en-US')} raw events; ratio ≤ 0.01 = 100× faster`,
          value: rollup.p95,
          unit: 'ms',
          baseline: 'same question of raw events FINAL',
          baselineValue: raw.p95,
          ratio,
          target: 'p95 ≤ 100 ms and ≥ 100× faster than raw',
          met: rollup.p95 <= 100 && ratio <= 0.01,
        });
      }
      return [...figures, ...otherFigures];
    } finally {
      await pg.end().catch(() => undefined);
      if (process.env.BENCH_REPORT_KEEP_DB === '1') process.stdout.write(`report: kept database ${bench.database}\n`);
      else await bench.drop();
    }
  },
};
