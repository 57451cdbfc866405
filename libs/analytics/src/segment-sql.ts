import { periodSql, type Granularity } from './period-sql';
import { ROLLUP_KEY_COLUMN_NAMES, tableRef, type RollupKeyColumn } from './schema';
import { lit, sql, SqlLiteralError, type SqlFragment } from './sql-literal';

/**
 * Measures by placement and targeting segment, read from the raw `events` table
 * (the hourly rollups do not keep these columns). Counting follows the rollups'
 * rules exactly (rollup-sql.ts, rawContributions): rows deduplicated with FINAL,
 * invalid traffic excluded, conversions not counted as events, spend = the
 * non-IVT price_micros, users = distinct users of non-IVT impressions. So a
 * segment slice summed over every value of its segment equals the rollups' figure.
 *
 * Conversions are not answered by segment: attributed_conversions keeps the
 * touch's ad ids and event id, not its segment columns, and joining every
 * conversion back to its touch event in raw is left for later (docs/reports.md).
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
