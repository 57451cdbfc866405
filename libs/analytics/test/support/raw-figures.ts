import { lit, periodSql, sql, tableRef, type ClickHouseExecutor, type Granularity } from '../../src';

/**
 * The raw events' figures of one account per period — the truth every rollup read must
 * equal: `period impressions clicks saves spend ivt_impressions users` per line, from
 * `events FINAL`, invalid traffic counted apart, conversions not counted as events.
 */
export async function rawFigures(
  executor: ClickHouseExecutor,
  database: string,
  account: string,
  from: number,
  to: number,
  granularity: Granularity,
  timezone: string,
): Promise<string[]> {
  const period = granularity === 'TOTAL' ? sql`''` : periodSql(sql`toStartOfHour(event_time)`, granularity, timezone)!;
  const rows = await executor.query<Record<string, unknown>>(sql`
    SELECT toString(${period}) AS p, countIf(event_type = 'IMPRESSION' AND ivt = 0) AS impressions, countIf(event_type = 'CLICK' AND ivt = 0) AS clicks,
      countIf(engagement_type = 'SAVE' AND ivt = 0) AS saves, sumIf(price_micros, ivt = 0) AS spend, countIf(event_type = 'IMPRESSION' AND ivt = 1) AS ivt_impressions,
      uniqExactIf(user_id, event_type = 'IMPRESSION' AND ivt = 0) AS users
    FROM ${tableRef(database, 'events')} FINAL
    WHERE ad_account_id = ${lit.int(account, 'UInt64')} AND event_type != 'CONVERSION' AND event_time >= ${lit.dateTime(from)} AND event_time < ${lit.dateTime(to)}
    GROUP BY p ORDER BY p`);
  return rows.map((r) => [r['p'], r['impressions'], r['clicks'], r['saves'], r['spend'], r['ivt_impressions'], r['users']].map(String).join(' '));
}
