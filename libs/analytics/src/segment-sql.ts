import { attributionTouchSql, conversionBucketSql, type AttributionWindows } from './attribution-sql';
import { periodSql, type Granularity } from './period-sql';
import {
  CONVERSION_COLUMNS,
  CONVERSION_REPORT_TIMES,
  MAX_ATTRIBUTION_WINDOW_DAYS,
  ROLLUP_KEY_COLUMN_NAMES,
  tableRef,
  type ConversionReportTime,
  type RollupKeyColumn,
} from './schema';
import { lit, sql, SqlLiteralError, type SqlFragment } from './sql-literal';

/**
 * Measures by placement and targeting segment, read from the raw `events` table
 * (the hourly rollups do not keep these columns). Counting follows the rollups'
 * rules exactly (rollup-sql.ts, rawContributions): rows deduplicated with FINAL,
 * invalid traffic excluded, conversions not counted as events, spend = the
 * non-IVT price_micros, users = distinct users of non-IVT impressions. So a
 * segment slice summed over every value of its segment equals the rollups' figure.
 *
 * Conversions by segment: segmentConversionsSql joins each attributed conversion
 * to its claiming touch event, whose segment it takes.
 */

/** Columns of `events` a report can be cut by, in the order they are grouped. */
export const SEGMENT_DIMENSIONS = ['placement', 'age_bucket', 'gender', 'location', 'device', 'interest'] as const;
export type SegmentDimension = (typeof SEGMENT_DIMENSIONS)[number];

/** The measures a segment row carries, named as the rollup columns are. */
export const SEGMENT_MEASURE_COLUMNS = ['impressions', 'clicks', 'outbound_clicks', 'saves', 'closeups', 'shares', 'spend_micros', 'users'] as const;

export interface SegmentQuery {
  database: string;
  adAccountIds: readonly string[];
  /** [from, to) on event_time (UTC); any instants (raw events are not hourly). */
  from: Date;
  to: Date;
  granularity: Granularity;
  /** Days, weeks, months and quarters are cut in this IANA timezone (the ad account's). */
  timezone: string;
  /** Entity ids to group by besides ad_account_id. */
  keys: readonly RollupKeyColumn[];
  /** Segment columns to group by (may be empty when only filtering by segment). */
  segments: readonly SegmentDimension[];
  /** Only these entity ids. */
  filter?: Partial<Record<RollupKeyColumn, readonly string[]>>;
  /** Only events whose segment column takes one of these values. */
  segmentFilter?: Partial<Record<SegmentDimension, readonly string[]>>;
}

const measureId = (name: string): SqlFragment => lit.identifier(name, [name]);

/**
 * One row per ad account, `keys`, `segments` and `period` (absent for TOTAL) with
 * the SEGMENT_MEASURE_COLUMNS. Runs on ClickHouse 18.16 and current.
 */
export function segmentMeasuresSql(query: SegmentQuery): SqlFragment {
  if (query.adAccountIds.length === 0) throw new SqlLiteralError('segmentMeasuresSql needs at least one ad account');
  const keys = query.keys.map((k) => lit.identifier(k, ROLLUP_KEY_COLUMN_NAMES));
  const segments = query.segments.map((s) => lit.identifier(s, SEGMENT_DIMENSIONS));
  const period = periodSql(sql`event_time`, query.granularity, query.timezone);
  const groupColumns = [sql`ad_account_id`, ...keys, ...segments];
  const selectKeys = period === null ? groupColumns : [...groupColumns, sql`${period} AS period`];
  const groupKeys = period === null ? groupColumns : [...groupColumns, sql`period`];
  const filters: SqlFragment[] = [];
  for (const [column, ids] of Object.entries(query.filter ?? {})) {
    if (ids === undefined) continue;
    filters.push(sql`AND ${lit.identifier(column as RollupKeyColumn, ROLLUP_KEY_COLUMN_NAMES)} IN ${lit.inList(ids, 'UInt64')}`);
  }
  for (const [column, values] of Object.entries(query.segmentFilter ?? {})) {
    if (values === undefined) continue;
    filters.push(sql`AND ${lit.identifier(column as SegmentDimension, SEGMENT_DIMENSIONS)} IN ${lit.inList(values, 'String')}`);
  }
  const engagement = (type: string): SqlFragment => sql`countIf(event_type = 'ENGAGEMENT' AND engagement_type = ${lit.string(type)})`;
  // Aggregates are aliased m_* inside and renamed outside: an alias equal to a column
  // name would be substituted back into the aggregate's argument (as in rollupSql).
  const measures: [string, SqlFragment][] = [
    ['impressions', sql`countIf(event_type = 'IMPRESSION')`],
    ['clicks', sql`countIf(event_type = 'CLICK')`],
    ['outbound_clicks', engagement('OUTBOUND_CLICK')],
    ['saves', engagement('SAVE')],
    ['closeups', engagement('CLOSEUP')],
    ['shares', engagement('SHARE')],
    ['spend_micros', sql`sum(price_micros)`],
    ['users', sql`uniqIf(user_id, event_type = 'IMPRESSION' AND user_id != '')`],
  ];
  const outer = [...groupColumns, ...(period === null ? [] : [sql`period`])];
  return sql`
    SELECT ${sql.join(outer)},
      ${sql.join(measures.map(([name]) => sql`${measureId(`m_${name}`)} AS ${measureId(name)}`))}
    FROM (
      SELECT ${sql.join(selectKeys)},
        ${sql.join(measures.map(([name, expr]) => sql`${expr} AS ${measureId(`m_${name}`)}`))}
      FROM ${tableRef(query.database, 'events')} FINAL
      WHERE ad_account_id IN ${lit.inList(query.adAccountIds, 'UInt64')}
        AND event_date >= ${lit.date(query.from)} AND event_date <= ${lit.date(query.to)}
        AND event_time >= ${lit.dateTime(query.from)} AND event_time < ${lit.dateTime(query.to)}
        AND ivt = 0 AND event_type != 'CONVERSION'
        ${sql.join(filters, sql` `)}
      GROUP BY ${sql.join(groupKeys)}
    )
    ORDER BY ${sql.join(outer)}`;
}

export interface SegmentConversionsQuery extends SegmentQuery {
  windows: AttributionWindows;
  reportTime: ConversionReportTime;
}

/**
 * Attributed conversions by segment: each non-IVT conversion that a touch claims
 * under `windows` (attribution-sql.ts) counts in the segment of that touch — the
 * click or impression event, joined from raw `events` by its event id — at the
 * touch's time (TIME_OF_AD_ACTION) or the conversion's (TIME_OF_CONVERSION). One row
 * per ad account, `keys` (the touch's ids), `segments` and `period`, with the
 * `conversions_<type>` / `value_<type>_micros` columns the rollups use.
 * Unattributed conversions have no touch and so no segment: they are not here.
 */
export function segmentConversionsSql(query: SegmentConversionsQuery): SqlFragment {
  if (query.adAccountIds.length === 0) throw new SqlLiteralError('segmentConversionsSql needs at least one ad account');
  if (!(CONVERSION_REPORT_TIMES as readonly string[]).includes(query.reportTime)) throw new SqlLiteralError(`reportTime must be one of ${CONVERSION_REPORT_TIMES.join(', ')}`);
  const touch = attributionTouchSql(query.windows);
  const touchIds: Record<RollupKeyColumn, SqlFragment> = { campaign_id: touch.campaignId, ad_group_id: touch.adGroupId, ad_id: touch.adId };
  const keys = query.keys.map((k) => lit.identifier(k, ROLLUP_KEY_COLUMN_NAMES));
  const segments = query.segments.map((s) => lit.identifier(s, SEGMENT_DIMENSIONS));
  const atAdAction = query.reportTime === 'TIME_OF_AD_ACTION';
  const period = periodSql(sql`report_time`, query.granularity, query.timezone);
  const groupColumns = [sql`ad_account_id`, ...keys, ...segments];
  const selectKeys = period === null ? groupColumns : [...groupColumns, sql`${period} AS period`];
  const groupKeys = period === null ? groupColumns : [...groupColumns, sql`period`];
  const day = 86_400_000;
  // Conversions reported in [from, to) at the ad action happened up to 60 days after `to`;
  // touches of conversions reported at conversion time happened up to 60 days before `from`.
  const lastConversionDay = new Date(query.to.getTime() + (atAdAction ? MAX_ATTRIBUTION_WINDOW_DAYS * day : 0));
  const firstTouch = new Date(query.from.getTime() - (atAdAction ? 0 : MAX_ATTRIBUTION_WINDOW_DAYS * day));
  const idFilters: SqlFragment[] = [];
  for (const [column, ids] of Object.entries(query.filter ?? {})) {
    if (ids === undefined) continue;
    idFilters.push(sql`AND ${touchIds[column as RollupKeyColumn]} IN ${lit.inList(ids, 'UInt64')}`);
  }
  const segmentFilters: SqlFragment[] = [];
  for (const [column, values] of Object.entries(query.segmentFilter ?? {})) {
    if (values === undefined) continue;
    segmentFilters.push(sql`AND ${lit.identifier(column as SegmentDimension, SEGMENT_DIMENSIONS)} IN ${lit.inList(values, 'String')}`);
  }
  const columns = CONVERSION_COLUMNS.flatMap(({ bucket, count, value }) => [
    sql`countIf(${conversionBucketSql(bucket)}) AS ${lit.identifier(count, [count])}`,
    sql`sumIf(value_micros, ${conversionBucketSql(bucket)}) AS ${lit.identifier(value, [value])}`,
  ]);
  const outer = [...groupColumns, ...(period === null ? [] : [sql`period`])];
  // Both sides aliased: current ClickHouse requires it of joined subqueries; 18.16 accepts it.
  return sql`
    SELECT ${sql.join(selectKeys)},
      ${sql.join(columns)}
    FROM (
      SELECT ad_account_id,
        ${sql.join(ROLLUP_KEY_COLUMN_NAMES.map((k) => sql`${touchIds[k]} AS ${lit.identifier(k, ROLLUP_KEY_COLUMN_NAMES)}`))},
        if(${touch.byClick}, click_event_id, view_event_id) AS touch_event_id,
        ${atAdAction ? touch.touchTime : sql`conversion_time`} AS report_time,
        conversion_type,
        value_micros
      FROM ${tableRef(query.database, 'attributed_conversions')} FINAL
      WHERE ad_account_id IN ${lit.inList(query.adAccountIds, 'UInt64')}
        AND conversion_date >= ${lit.date(query.from)} AND conversion_date <= ${lit.date(lastConversionDay)}
        AND ivt = 0 AND ${touch.attributed}
        ${sql.join(idFilters, sql` `)}
    ) AS conversion
    ANY LEFT JOIN (
      SELECT event_id AS touch_event_id, ${sql.join(SEGMENT_DIMENSIONS.map((s) => lit.identifier(s, SEGMENT_DIMENSIONS)))}
      FROM ${tableRef(query.database, 'events')} FINAL
      WHERE ad_account_id IN ${lit.inList(query.adAccountIds, 'UInt64')}
        AND event_date >= ${lit.date(firstTouch)} AND event_date <= ${lit.date(lastConversionDay)}
        AND event_type IN ('IMPRESSION', 'CLICK')
    ) AS touch USING touch_event_id
    WHERE report_time >= ${lit.dateTime(query.from)} AND report_time < ${lit.dateTime(query.to)}
      ${sql.join(segmentFilters, sql` `)}
    GROUP BY ${sql.join(groupKeys)}
    ORDER BY ${sql.join(outer)}`;
}
