import { periodSql, type Granularity } from './period-sql';
import {
  ATTRIBUTION_WINDOW_DAYS,
  CONVERSION_COLUMNS,
  CONVERSION_REPORT_TIMES,
  CONVERSION_TYPE_BUCKETS,
  ROLLUP_KEY_COLUMNS,
  MAX_ATTRIBUTION_WINDOW_DAYS,
  tableRef,
  type AttributionWindowDays,
  type ConversionReportTime,
  type RollupKeyColumn,
  type RollupLevel,
} from './schema';
import { lit, sql, SqlLiteralError, type SqlFragment } from './sql-literal';

/**
 * Attribution at query time, over `attributed_conversions` (one row per
 * conversion with its last click and last impression within 60 days).
 *
 * A conversion belongs to its click if the click is at most `clickWindowDays`
 * before it, else to its impression if that is at most `viewWindowDays`
 * before it, else to nobody (unattributed, counted apart). A window of 0 days
 * switches that kind of touch off. Because only the latest touch of each kind
 * is stored, this is exact for every window pair: the latest click within N
 * days exists iff the latest click overall is within N days.
 *
 * The rollups count conversions with the default windows (30/1) at
 * TIME_OF_AD_ACTION through the same expressions, so the two always agree.
 */

const CONVERSION_COLUMN_NAMES: readonly string[] = CONVERSION_COLUMNS.flatMap((c) => [c.count, c.value]);

export interface AttributionWindows {
  clickWindowDays: AttributionWindowDays;
  viewWindowDays: AttributionWindowDays;
}

/** SQL expressions over one attributed_conversions row. */
export interface AttributionTouchSql {
  /** 1 when the click claims the conversion. */
  byClick: SqlFragment;
  /** 1 when the impression claims it (no click did). */
  byView: SqlFragment;
  /** byClick OR byView. */
  attributed: SqlFragment;
  /** The claiming touch's ids and time (the view's when nothing claimed it; check `attributed`). */
  campaignId: SqlFragment;
  adGroupId: SqlFragment;
  adId: SqlFragment;
  touchTime: SqlFragment;
}

function windowSeconds(days: AttributionWindowDays, what: string): number {
  if (!(ATTRIBUTION_WINDOW_DAYS as readonly number[]).includes(days)) {
    throw new SqlLiteralError(`${what} must be one of ${ATTRIBUTION_WINDOW_DAYS.join(', ')} days, got ${String(days)}`);
  }
  return days * 86_400;
}

export function attributionTouchSql(windows: AttributionWindows): AttributionTouchSql {
  const clickSeconds = windowSeconds(windows.clickWindowDays, 'clickWindowDays');
  const viewSeconds = windowSeconds(windows.viewWindowDays, 'viewWindowDays');
  // Touch times are never after the conversion (attribution only looks back), so the age is >= 0.
  const byClick =
    clickSeconds === 0
      ? sql`toUInt8(0)`
      : sql`(has_click = 1 AND toInt64(toUInt32(conversion_time)) - toInt64(toUInt32(click_time)) <= ${lit.int(clickSeconds, 'UInt32')})`;
  const viewInWindow =
    viewSeconds === 0
      ? sql`toUInt8(0)`
      : sql`(has_view = 1 AND toInt64(toUInt32(conversion_time)) - toInt64(toUInt32(view_time)) <= ${lit.int(viewSeconds, 'UInt32')})`;
  const byView = sql`(NOT ${byClick} AND ${viewInWindow})`;
  return {
    byClick,
    byView,
    attributed: sql`(${byClick} OR ${byView})`,
    campaignId: sql`if(${byClick}, click_campaign_id, view_campaign_id)`,
    adGroupId: sql`if(${byClick}, click_ad_group_id, view_ad_group_id)`,
    adId: sql`if(${byClick}, click_ad_id, view_ad_id)`,
    touchTime: sql`if(${byClick}, click_time, view_time)`,
  };
}

/** 1 when `conversion_type` (already lower-case in attributed_conversions) falls in `bucket`. */
export function conversionBucketSql(bucket: (typeof CONVERSION_TYPE_BUCKETS)[number]): SqlFragment {
  const named = CONVERSION_TYPE_BUCKETS.filter((b) => b !== 'other');
  return bucket === 'other'
    ? sql`(conversion_type NOT IN ${lit.inList(named, 'String')})`
    : sql`(conversion_type = ${lit.string(bucket)})`;
}

export interface AttributedConversionsQuery {
  database: string;
  adAccountIds: readonly string[];
  /** Report range on the report time, [from, to). */
  from: Date;
  to: Date;
  windows: AttributionWindows;
  reportTime: ConversionReportTime;
  /** Rows per this level's ids (ad_account: one row per account and period). */
  level: RollupLevel;
  granularity: Granularity;
  /** Days, weeks, months and quarters are cut in this IANA timezone (the ad account's). */
  timezone: string;
  /** Optional filters on the touch's ids. */
  filter?: Partial<Record<RollupKeyColumn, readonly string[]>>;
}

/**
 * The conversion columns of a report: per ad account, the level's ids and the
 * period (`period`, absent for TOTAL), `conversions_<type>` and
 * `value_<type>_micros` for every CONVERSION_TYPE_BUCKETS entry — the names the
 * rollups use — plus, at the ad_account level, `unattributed_conversions` and
 * `unattributed_value_micros` (at the conversion's time: an unattributed
 * conversion has no ad action). Non-IVT conversions only.
 *
 * The report's other metrics come from the rollups (rollup-sql.ts); join the
 * two on (ad_account_id, ids, period).
 */
export function attributedConversionsSql(query: AttributedConversionsQuery): SqlFragment {
  if (!(CONVERSION_REPORT_TIMES as readonly string[]).includes(query.reportTime)) {
    throw new SqlLiteralError(`reportTime must be one of ${CONVERSION_REPORT_TIMES.join(', ')}`);
  }
  if (query.adAccountIds.length === 0) throw new SqlLiteralError('attributedConversionsSql needs at least one ad account');
  const touch = attributionTouchSql(query.windows);
  const keys = ROLLUP_KEY_COLUMNS[query.level] as readonly RollupKeyColumn[];
  const touchIds: Record<RollupKeyColumn, SqlFragment> = {
    campaign_id: touch.campaignId,
    ad_group_id: touch.adGroupId,
    ad_id: touch.adId,
  };
  const atAdAction = query.reportTime === 'TIME_OF_AD_ACTION';
  const reportTime = atAdAction ? sql`if(${touch.attributed}, ${touch.touchTime}, conversion_time)` : sql`conversion_time`;
  // At the ad action, a conversion reported in [from, to) happened up to 60 days after `to`.
  const lastConversionDay = new Date(query.to.getTime() + (atAdAction ? MAX_ATTRIBUTION_WINDOW_DAYS * 86_400_000 : 0));
  const period = periodSql(sql`report_time`, query.granularity, query.timezone);

  const filters = Object.entries(query.filter ?? {})
    .filter(([, ids]) => ids !== undefined)
    .map(([column, ids]) => sql`AND ${touchIds[column as RollupKeyColumn]} IN ${lit.inList(ids as string[], 'UInt64')}`);

  const keyColumns = [sql`ad_account_id`, ...keys.map((k) => lit.identifier(k, keys))];
  const selectKeys = period === null ? keyColumns : [...keyColumns, sql`${period} AS period`];
  const groupKeys = period === null ? keyColumns : [...keyColumns, sql`period`];
  const attributedOnly = query.level === 'ad_account' ? sql`` : sql`AND attributed = 1`;
  const columns = CONVERSION_COLUMNS.flatMap(({ bucket, count, value }) => [
    sql`countIf(attributed = 1 AND ${conversionBucketSql(bucket)}) AS ${lit.identifier(count, CONVERSION_COLUMN_NAMES)}`,
    sql`sumIf(value_micros, attributed = 1 AND ${conversionBucketSql(bucket)}) AS ${lit.identifier(value, CONVERSION_COLUMN_NAMES)}`,
  ]);
  if (query.level === 'ad_account') {
    columns.push(sql`countIf(attributed = 0) AS unattributed_conversions`, sql`sumIf(value_micros, attributed = 0) AS unattributed_value_micros`);
  }
  return sql`
    SELECT ${sql.join(selectKeys)},
      ${sql.join(columns)}
    FROM (
      SELECT ad_account_id,
        ${sql.join(keys.map((k) => sql`${touchIds[k]} AS ${lit.identifier(k, keys)}`).concat([sql`toUInt8(${touch.attributed}) AS attributed`]))},
        ${reportTime} AS report_time,
        conversion_type,
        value_micros
      FROM ${tableRef(query.database, 'attributed_conversions')} FINAL
      WHERE ad_account_id IN ${lit.inList(query.adAccountIds, 'UInt64')}
        AND conversion_date >= ${lit.date(query.from)}
        AND conversion_date <= ${lit.date(lastConversionDay)}
        AND ivt = 0
        ${sql.join(filters, sql` `)}
    )
    WHERE report_time >= ${lit.dateTime(query.from)} AND report_time < ${lit.dateTime(query.to)}
      ${attributedOnly}
    GROUP BY ${sql.join(groupKeys)}
    ORDER BY ${sql.join(groupKeys)}`;
}
