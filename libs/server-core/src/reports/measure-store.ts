import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  attributedConversionsSql,
  CONVERSION_COLUMNS,
  DEFAULT_CLICK_WINDOW_DAYS,
  DEFAULT_VIEW_WINDOW_DAYS,
  ROLLUP_KEY_COLUMNS,
  rollupSql,
  dailyReadCoversRange,
  localDaysCoverRange,
  localReachSql,
  type AttributionWindowDays,
  type ConversionReportTime,
  type Granularity,
  type RollupKeyColumn,
  type RollupLevel,
  type RollupMetricColumn,
  type RollupQuery,
} from '@loupe/analytics';
import { measures, type BaseMeasures, type MeasureName } from '@loupe/metrics';
import type { LoupeConfig } from '../config/config';
import { LOUPE_CONFIG } from '../config/config.module';
import { CLICKHOUSE, type ClickHouseExecutor } from '../infra/clickhouse.module';
import { PostgresLocalDayZones, type LocalDayZones } from './local-day-zones';

/**
 * The one read path from ClickHouse to the metrics library: base measures per ad
 * account, level ids and period, from the hourly rollups — with conversions
 * recomputed from attributed_conversions when the caller asks for other attribution
 * windows or TIME_OF_CONVERSION than the rollups hold. The analytics endpoints, the
 * report builder and exports all read through here, so the same question gives the
 * same number everywhere.
 */
export interface MeasureQuery {
  level: RollupLevel;
  adAccountIds: readonly string[];
  /** [from, to): whole UTC hours. */
  from: Date;
  to: Date;
  granularity: Granularity;
  /** The ad account's IANA timezone: days, weeks, months and quarters are cut in it. */
  timezone: string;
  filter?: Partial<Record<RollupKeyColumn, readonly string[]>>;
  clickWindowDays: AttributionWindowDays;
  viewWindowDays: AttributionWindowDays;
  reportTime: ConversionReportTime;
  /**
   * Read reach (unique users)? Default true. It is nearly all of a rollup read's cost,
   * so callers that show no reach column pass false; their rows' uniqueUsers are null.
   */
  reach?: boolean;
  /**
   * The base measures the caller's metrics need (`measuresFor` of their definitions);
   * default all. Only their rollup columns are read — a read's cost grows with its
   * columns — and the measures not named are 0 in the rows. Reach follows
   * `uniqueUsers` here unless `reach` says otherwise.
   */
  measures?: readonly MeasureName[];
}

/** The rollup columns behind each base measure (reach is read apart, as `users`). */
const MEASURE_COLUMNS: Readonly<Record<Exclude<MeasureName, 'uniqueUsers'>, readonly RollupMetricColumn[]>> = {
  impressions: ['impressions'],
  clicks: ['clicks'],
  outboundClicks: ['outbound_clicks'],
  saves: ['saves'],
  closeups: ['closeups'],
  shares: ['shares'],
  spendMicros: ['spend_micros'],
  conversions: CONVERSION_COLUMNS.map((c) => c.count),
  conversionValueMicros: CONVERSION_COLUMNS.map((c) => c.value),
};

/** What a query reads: the columns of its measures (all of them by default) and whether reach. */
export function measureReadPlan(query: Pick<MeasureQuery, 'measures' | 'reach'>): { columns: RollupMetricColumn[] | undefined; reach: boolean } {
  if (query.measures === undefined) return { columns: undefined, reach: query.reach ?? true };
  const reach = query.reach ?? query.measures.includes('uniqueUsers');
  const columns = [...new Set(query.measures.flatMap((m) => (m === 'uniqueUsers' ? [] : MEASURE_COLUMNS[m])))];
  // A read of nothing but rows (no measure, no reach) still needs a column.
  if (columns.length === 0 && !reach) columns.push('impressions');
  return { columns, reach };
}

export interface MeasureRow {
  adAccountId: string;
  /** The level's ids (campaign_id, ad_group_id, ad_id as the level has them). */
  ids: Partial<Record<RollupKeyColumn, string>>;
  /** The period's first local day (YYYY-MM-DD) or local hour ('YYYY-MM-DD hh:00:00'); null for TOTAL. */
  period: string | null;
  measures: BaseMeasures;
}

type Row = Record<string, string | number>;

@Injectable()
export class MeasureStore {
  constructor(
    @Inject(CLICKHOUSE) private readonly clickhouse: ClickHouseExecutor,
    @Inject(LOUPE_CONFIG) private readonly config: LoupeConfig,
    /** Without it (a store built by hand) the local-day tables are never read. */
    @Optional() @Inject(PostgresLocalDayZones) private readonly zones: LocalDayZones | null = null,
  ) {}

  async read(query: MeasureQuery): Promise<MeasureRow[]> {
    const database = this.config.clickhouse.database;
    const keys = ROLLUP_KEY_COLUMNS[query.level] as readonly RollupKeyColumn[];
    const plan = measureReadPlan(query);
    const slice = {
      database,
      level: query.level,
      adAccountIds: query.adAccountIds,
      from: query.from,
      to: query.to,
      granularity: query.granularity,
      timezone: query.timezone,
      filter: query.filter,
      reach: plan.reach,
      columns: plan.columns,
    };
    // Reach from the daily tables' uniqHLL12 states: 27× faster than merging the hourly uniq
    // states at 100 million events. Sums from the daily tables when they cover every hour of
    // the slice (one branch over a 24th of the rows), else from the hourly tables alone: the
    // daily read's extra branches for the edge hours cost as much as they save
    // (docs/reports.md, "Benchmark").
    const fallback = (): Promise<Row[]> => this.clickhouse.query<Row>(rollupSql({ ...slice, daily: plan.reach || dailyReadCoversRange(query) }));
    let rollups: Row[];
    if (this.zones !== null && localDaysCoverRange(query)) {
      // Whole local days of a zone that keeps them: one branch over the local-day tables, if
      // Postgres says they are complete for every account (docs/reports.md, "Local days").
      // Both questions are asked at once, so the usual answer (complete) costs no extra round
      // trip; when they are not complete, the local answer is dropped and the other read runs.
      const local = this.readLocalDays(slice, keys);
      const complete = await this.zones.completeIn(query.adAccountIds, query.timezone).catch(async (err: unknown) => {
        await local.catch(() => undefined);
        throw err;
      });
      if (complete) rollups = await local;
      else {
        await local.catch(() => undefined);
        rollups = await fallback();
      }
    } else rollups = await fallback();
    const defaultAttribution =
      query.clickWindowDays === DEFAULT_CLICK_WINDOW_DAYS && query.viewWindowDays === DEFAULT_VIEW_WINDOW_DAYS && query.reportTime === 'TIME_OF_AD_ACTION';
    const byKey = new Map<string, { base: Row | null; conversions: Row | null }>();
    const keyOf = (row: Row): string => rowKey(row, keys);
    for (const row of rollups) byKey.set(keyOf(row), { base: row, conversions: defaultAttribution ? row : null });
    if (!defaultAttribution) {
      const conversions = await this.clickhouse.query<Row>(
        attributedConversionsSql({
          database,
          adAccountIds: query.adAccountIds,
          from: query.from,
          to: query.to,
          windows: { clickWindowDays: query.clickWindowDays, viewWindowDays: query.viewWindowDays },
          reportTime: query.reportTime,
          level: query.level,
          granularity: query.granularity,
          timezone: query.timezone,
          filter: query.filter,
        }),
      );
      for (const row of conversions) {
        const entry = byKey.get(keyOf(row));
        if (entry) entry.conversions = row;
        else byKey.set(keyOf(row), { base: null, conversions: row });
      }
    }
    const out: MeasureRow[] = [];
    for (const { base, conversions } of byKey.values()) {
      const source = (base ?? conversions)!;
      const ids: Partial<Record<RollupKeyColumn, string>> = {};
      for (const k of keys) ids[k] = String(source[k]);
      out.push({
        adAccountId: String(source.ad_account_id),
        ids,
        period: source.period === undefined ? null : String(source.period),
        measures: toMeasures(base, conversions),
      });
    }
    out.sort((a, b) => compare(a, b, keys));
    return out;
  }

  /**
   * The local-day read. With reach, the sums (FINAL) and reach (localReachSql: argMax per day,
   * no FINAL over the states) are two statements sent at once and joined here by key: FINAL
   * over the reach states was half of the one-statement read's ClickHouse CPU.
   */
  private async readLocalDays(slice: Omit<RollupQuery, 'localDays' | 'daily'>, keys: readonly RollupKeyColumn[]): Promise<Row[]> {
    if (slice.reach === false) return this.clickhouse.query<Row>(rollupSql({ ...slice, localDays: true }));
    const [sums, reach] = await Promise.all([
      slice.columns !== undefined && slice.columns.length === 0 ? Promise.resolve([] as Row[]) : this.clickhouse.query<Row>(rollupSql({ ...slice, reach: false, localDays: true })),
      this.clickhouse.query<Row>(localReachSql(slice)),
    ]);
    const byKey = new Map(sums.map((row) => [rowKey(row, keys), row]));
    for (const row of reach) {
      const sumsRow = byKey.get(rowKey(row, keys));
      if (sumsRow) sumsRow.users = row.users!;
      else sums.push(row);
    }
    return sums;
  }
}

const rowKey = (row: Row, keys: readonly RollupKeyColumn[]): string => [row.ad_account_id, ...keys.map((k) => row[k]), row.period ?? ''].join('|');

function toMeasures(base: Row | null, conversions: Row | null): BaseMeasures {
  const num = (row: Row | null, column: string): string | number => (row ? (row[column] ?? 0) : 0);
  return measures({
    impressions: num(base, 'impressions'),
    clicks: num(base, 'clicks'),
    outboundClicks: num(base, 'outbound_clicks'),
    saves: num(base, 'saves'),
    closeups: num(base, 'closeups'),
    shares: num(base, 'shares'),
    spendMicros: num(base, 'spend_micros'),
    conversions: Object.fromEntries(CONVERSION_COLUMNS.map((c) => [c.bucket, num(conversions, c.count)])),
    conversionValueMicros: Object.fromEntries(CONVERSION_COLUMNS.map((c) => [c.bucket, num(conversions, c.value)])),
    // Not read (reach: false) → unknown, never a made-up 0; no base row → nobody reached.
    uniqueUsers: base ? (base.users === undefined ? null : num(base, 'users')) : 0,
  });
}

function compare(a: MeasureRow, b: MeasureRow, keys: readonly RollupKeyColumn[]): number {
  const pa = a.period ?? '';
  const pb = b.period ?? '';
  if (pa !== pb) return pa < pb ? -1 : 1;
  if (a.adAccountId !== b.adAccountId) return BigInt(a.adAccountId) < BigInt(b.adAccountId) ? -1 : 1;
  for (const k of keys) {
    const x = BigInt(a.ids[k] ?? '0');
    const y = BigInt(b.ids[k] ?? '0');
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
