import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CONVERSION_COLUMNS, ROLLUP_KEY_COLUMNS, segmentConversionsSql, segmentMeasuresSql, type Granularity, type RollupKeyColumn, type RollupLevel, type SegmentDimension } from '@loupe/analytics';
import {
  ENTITY_DIMENSIONS,
  REPORT_LIMITS,
  SEGMENT_REPORT_DIMENSIONS,
  TIME_DIMENSIONS,
  type ReportDefinition,
  type ReportDimension,
  type ReportResponse,
} from '@loupe/contracts';
import {
  aggregate,
  compareMetricValues,
  LOUPE_METRICS,
  measures,
  measuresFor,
  metricToJson,
  type BaseMeasures,
  type LoupeMetric,
  type MetricDefinition,
  type MetricValue,
} from '@loupe/metrics';
import {
  addDays,
  CLICKHOUSE,
  daysBetween,
  floorToHour,
  InvalidParametersException,
  LOUPE_CONFIG,
  MeasureStore,
  startOfLocalDay,
  type ClickHouseExecutor,
  type LoupeConfig,
} from '@loupe/server-core';
import type { ReportAccount } from './report-access';

type EntityDimension = (typeof ENTITY_DIMENSIONS)[number];
type TimeDimension = (typeof TIME_DIMENSIONS)[number];

const LEVEL_ORDER: readonly RollupLevel[] = ['ad_account', 'campaign', 'ad_group', 'ad'];
const ENTITY_KEY: Record<Exclude<EntityDimension, 'ad_account'>, RollupKeyColumn> = { campaign: 'campaign_id', ad_group: 'ad_group_id', ad: 'ad_id' };
const FILTER_LEVEL: Record<'campaign_ids' | 'ad_group_ids' | 'ad_ids', RollupLevel> = { campaign_ids: 'campaign', ad_group_ids: 'ad_group', ad_ids: 'ad' };
const FILTER_KEY: Record<'campaign_ids' | 'ad_group_ids' | 'ad_ids', RollupKeyColumn> = { campaign_ids: 'campaign_id', ad_group_ids: 'ad_group_id', ad_ids: 'ad_id' };
const TIME_GRANULARITY: Record<TimeDimension, Granularity> = { date: 'DAY', week: 'WEEK', month: 'MONTH', quarter: 'QUARTER' };

/** The name of a dimension's column in rows: entities by their id, time and segments by their own name. */
export function dimensionColumn(dimension: ReportDimension): string {
  return (ENTITY_DIMENSIONS as readonly string[]).includes(dimension) ? `${dimension}_id` : dimension;
}

const isEntity = (d: ReportDimension): d is EntityDimension => (ENTITY_DIMENSIONS as readonly string[]).includes(d);
const isTime = (d: ReportDimension): d is TimeDimension => (TIME_DIMENSIONS as readonly string[]).includes(d);
const isSegment = (d: ReportDimension): d is SegmentDimension => (SEGMENT_REPORT_DIMENSIONS as readonly string[]).includes(d);

/** One slice read from ClickHouse: its dimension values and base measures. */
interface Slice {
  account: ReportAccount;
  values: Record<string, string>;
  measures: BaseMeasures;
}

interface Group {
  currency: string;
  accountIds: Set<string>;
  values: Record<string, string>;
  parts: BaseMeasures[];
  measures: BaseMeasures;
}

export interface ReportPage {
  pageSize: number;
  bookmark?: string;
}

/**
 * The report builder (docs/reports.md): dimensions × metrics × filters × dates over
 * several ad accounts. Entity and time dimensions read the rollups through
 * MeasureStore — the same read as Pinterest's analytics endpoints, so both answer the
 * same number; placement and targeting dimensions read the raw events
 * (segmentMeasuresSql, same counting rules) and put each attributed conversion in
 * the segment of its claiming touch (segmentConversionsSql). Every metric is computed by the metrics
 * library from summed base measures (never an average of ratios). Rows and totals
 * are kept apart per currency: money of two currencies is never added.
 */
@Injectable()
export class ReportBuilderService {
  constructor(
    private readonly store: MeasureStore,
    @Inject(CLICKHOUSE) private readonly clickhouse: ClickHouseExecutor,
    @Inject(LOUPE_CONFIG) private readonly config: LoupeConfig,
  ) {}

  async run(accounts: readonly ReportAccount[], definition: ReportDefinition, page: ReportPage): Promise<ReportResponse> {
    const plan = checkDefinition(definition);
    const offset = page.bookmark === undefined ? 0 : readBookmark(page.bookmark, definition);
    const slices: Slice[] = [];
    for (const account of accounts) slices.push(...(await this.read(account, definition, plan)));

    const groups = new Map<string, Group>();
    for (const slice of slices) {
      const key = JSON.stringify([slice.account.currency, ...plan.columns.map((c) => slice.values[c] ?? '')]);
      let group = groups.get(key);
      if (!group) {
        group = { currency: slice.account.currency, accountIds: new Set(), values: slice.values, parts: [], measures: slice.measures };
        groups.set(key, group);
      }
      group.accountIds.add(slice.account.id);
      group.parts.push(slice.measures);
    }
    for (const group of groups.values()) group.measures = group.parts.length === 1 ? group.parts[0]! : aggregate(group.parts);

    const metrics = definition.metrics;
    const value = (group: Pick<Group, 'measures'>, metric: LoupeMetric): MetricValue => (LOUPE_METRICS[metric] as MetricDefinition).compute(group.measures);
    const ordered = [...groups.values()].sort((a, b) => compareGroups(a, b, plan.columns, definition, value));
    const pageRows = ordered.slice(offset, offset + page.pageSize);
    const rows = pageRows.map((group) => ({
      ...Object.fromEntries(plan.columns.map((c) => [c, group.values[c] ?? null])),
      currency: group.currency,
      ...Object.fromEntries(metrics.map((m) => [m, metricToJson(LOUPE_METRICS[m], value(group, m))])),
    }));

    const byCurrency = new Map<string, { ids: Set<string>; parts: BaseMeasures[] }>();
    for (const account of accounts) {
      const bucket = byCurrency.get(account.currency) ?? { ids: new Set<string>(), parts: [] };
      bucket.ids.add(account.id);
      byCurrency.set(account.currency, bucket);
    }
    for (const group of ordered) byCurrency.get(group.currency)!.parts.push(...group.parts);
    const totals = [...byCurrency.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, bucket]) => {
        const total = { measures: aggregate(bucket.parts) };
        return { currency, ad_account_ids: [...bucket.ids], metrics: Object.fromEntries(metrics.map((m) => [m, metricToJson(LOUPE_METRICS[m], value(total, m))])) };
      });

    const next = offset + page.pageSize < ordered.length ? writeBookmark(offset + page.pageSize, definition) : null;
    return {
      columns: [
        ...plan.columns.map((name, i) => ({ name, role: 'dimension' as const, type: dimensionType(plan.dimensions[i]!) })),
        { name: 'currency', role: 'dimension' as const, type: 'string' },
        ...metrics.map((m) => ({ name: m, role: 'metric' as const, type: metricType(LOUPE_METRICS[m]) })),
      ],
      rows,
      totals,
      bookmark: next,
      total_rows: ordered.length,
      metadata: {
        start_date: definition.start_date,
        end_date: definition.end_date,
        accounts: accounts.map((a) => ({ ad_account_id: a.id, currency: a.currency, timezone: a.timezone })),
        attribution: {
          click_window_days: definition.click_window_days,
          view_window_days: definition.view_window_days,
          conversion_report_time: definition.conversion_report_time,
        },
        notes: [
          ...(plan.segmented
            ? ['Placement and targeting slices are read from the raw events; a conversion counts in the segment of the click or impression that claims it (unattributed conversions have no segment).']
            : []),
          'unique_users and frequency are null on totals and on rows that combine several slices: distinct users do not add up.',
        ],
      },
    };
  }

  private async read(account: ReportAccount, definition: ReportDefinition, plan: Plan): Promise<Slice[]> {
    // Whole UTC hours on both paths (as the rollups, which are hourly), so a segment
    // slice summed over its values equals the entity rows even in half-hour timezones.
    const start = floorToHour(startOfLocalDay(definition.start_date, account.timezone));
    const end = floorToHour(startOfLocalDay(addDays(definition.end_date, 1), account.timezone));
    const filter: Partial<Record<RollupKeyColumn, readonly string[]>> = {};
    for (const name of ['campaign_ids', 'ad_group_ids', 'ad_ids'] as const) {
      const ids = definition.filters[name];
      if (ids) filter[FILTER_KEY[name]] = ids;
    }
    const keys = ROLLUP_KEY_COLUMNS[plan.level] as readonly RollupKeyColumn[];
    const valuesOf = (adAccountId: string, ids: Partial<Record<RollupKeyColumn, string>>, period: string | null, segments: Record<string, string>): Record<string, string> => {
      const values: Record<string, string> = {};
      for (const d of plan.dimensions) {
        const column = dimensionColumn(d);
        if (d === 'ad_account') values[column] = adAccountId;
        else if (isEntity(d)) values[column] = ids[ENTITY_KEY[d]] ?? '';
        else if (isTime(d)) values[column] = period ?? '';
        else values[column] = segments[d] ?? '';
      }
      return values;
    };
    if (!plan.segmented) {
      const rows = await this.store.read({
        level: plan.level,
        adAccountIds: [account.id],
        from: start,
        to: end,
        granularity: plan.granularity,
        timezone: account.timezone,
        filter,
        clickWindowDays: definition.click_window_days,
        viewWindowDays: definition.view_window_days,
        reportTime: definition.conversion_report_time,
        // Only the rollup columns the report's metrics are computed from (and reach only for unique users).
        measures: measuresFor(definition.metrics.map((m) => LOUPE_METRICS[m] as MetricDefinition)),
      });
      return rows.map((row) => ({ account, values: valuesOf(row.adAccountId, row.ids, row.period, {}), measures: row.measures }));
    }
    const segmentFilter: Partial<Record<SegmentDimension, readonly string[]>> = {};
    for (const s of SEGMENT_REPORT_DIMENSIONS) if (definition.filters[s]) segmentFilter[s] = definition.filters[s];
    const segmentQuery = {
      database: this.config.clickhouse.database,
      adAccountIds: [account.id],
      from: start,
      to: end,
      granularity: plan.granularity,
      timezone: account.timezone,
      keys,
      segments: plan.dimensions.filter(isSegment),
      filter,
      segmentFilter,
    };
    const [eventRows, conversionRows] = await Promise.all([
      this.clickhouse.query<Record<string, string | number>>(segmentMeasuresSql(segmentQuery)),
      this.clickhouse.query<Record<string, string | number>>(
        segmentConversionsSql({
          ...segmentQuery,
          windows: { clickWindowDays: definition.click_window_days, viewWindowDays: definition.view_window_days },
          reportTime: definition.conversion_report_time,
        }),
      ),
    ]);
    // Events and the conversions their touches claimed, matched on the same key.
    const keyOf = (row: Record<string, string | number>): string =>
      JSON.stringify([row.ad_account_id, ...keys.map((k) => row[k]), ...segmentQuery.segments.map((d) => row[d]), row.period ?? ''].map(String));
    const merged = new Map<string, { events: Record<string, string | number> | null; conversions: Record<string, string | number> | null }>();
    for (const row of eventRows) merged.set(keyOf(row), { events: row, conversions: null });
    for (const row of conversionRows) {
      const entry = merged.get(keyOf(row));
      if (entry) entry.conversions = row;
      else merged.set(keyOf(row), { events: null, conversions: row });
    }
    return [...merged.values()].map(({ events, conversions }) => {
      const row = (events ?? conversions)!;
      const ids: Partial<Record<RollupKeyColumn, string>> = {};
      for (const k of keys) ids[k] = String(row[k]);
      const segments = Object.fromEntries(SEGMENT_REPORT_DIMENSIONS.filter((d) => d in row).map((d) => [d, String(row[d])]));
      const num = (source: Record<string, string | number> | null, column: string): string | number => (source ? (source[column] ?? 0) : 0);
      return {
        account,
        values: valuesOf(String(row.ad_account_id), ids, row.period === undefined ? null : String(row.period), segments),
        measures: measures({
          impressions: num(events, 'impressions'),
          clicks: num(events, 'clicks'),
          outboundClicks: num(events, 'outbound_clicks'),
          saves: num(events, 'saves'),
          closeups: num(events, 'closeups'),
          shares: num(events, 'shares'),
          spendMicros: num(events, 'spend_micros'),
          conversions: Object.fromEntries(CONVERSION_COLUMNS.map((c) => [c.bucket, num(conversions, c.count)])),
          conversionValueMicros: Object.fromEntries(CONVERSION_COLUMNS.map((c) => [c.bucket, num(conversions, c.value)])),
          uniqueUsers: events ? num(events, 'users') : 0,
        }),
      };
    });
  }
}

interface Plan {
  dimensions: readonly ReportDimension[];
  columns: readonly string[];
  level: RollupLevel;
  granularity: Granularity;
  segmented: boolean;
}

/** Checks what zod cannot (400 naming the problem) and decides where to read. */
export function checkDefinition(definition: ReportDefinition): Plan {
  const bad = (message: string): never => {
    throw new InvalidParametersException(`Invalid parameters. ${message}`);
  };
  if (definition.end_date < definition.start_date) bad(`end_date (${definition.end_date}) must not be before start_date (${definition.start_date}).`);
  const span = daysBetween(definition.start_date, definition.end_date) + 1;
  if (span > REPORT_LIMITS.maxRangeDays) bad(`The date range covers ${span} days; at most ${REPORT_LIMITS.maxRangeDays} days per report.`);
  const dimensions = definition.dimensions;
  const repeated = dimensions.filter((d, i) => dimensions.indexOf(d) !== i);
  if (repeated.length > 0) bad(`dimension ${repeated[0]} is given twice.`);
  const times = dimensions.filter(isTime);
  if (times.length > 1) bad(`Use at most one time dimension (got ${times.join(', ')}).`);
  const metrics = definition.metrics;
  const repeatedMetric = metrics.filter((m, i) => metrics.indexOf(m) !== i);
  if (repeatedMetric.length > 0) bad(`metric ${repeatedMetric[0]} is given twice.`);
  const columns = dimensions.map(dimensionColumn);
  if (definition.sort && !columns.includes(definition.sort.by) && !(metrics as readonly string[]).includes(definition.sort.by) && definition.sort.by !== 'currency') {
    bad(`sort.by must be one of the report's columns (${[...columns, 'currency', ...metrics].join(', ')}), got '${definition.sort.by}'.`);
  }
  let level: RollupLevel = 'ad_account';
  const deeper = (l: RollupLevel): void => {
    if (LEVEL_ORDER.indexOf(l) > LEVEL_ORDER.indexOf(level)) level = l;
  };
  for (const d of dimensions) if (isEntity(d)) deeper(d);
  for (const f of ['campaign_ids', 'ad_group_ids', 'ad_ids'] as const) if (definition.filters[f]) deeper(FILTER_LEVEL[f]);
  const time = times[0];
  const segmented = dimensions.some(isSegment) || SEGMENT_REPORT_DIMENSIONS.some((s) => definition.filters[s] !== undefined);
  return { dimensions, columns, level, granularity: time ? TIME_GRANULARITY[time] : 'TOTAL', segmented };
}

function dimensionType(d: ReportDimension): string {
  return isEntity(d) ? 'id' : isTime(d) ? 'date' : 'string';
}

function metricType(def: MetricDefinition): string {
  return def.kind === 'money_units' ? 'ratio' : def.kind;
}

function compareValues(column: string, a: string, b: string): number {
  if (column.endsWith('_id') && /^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x === y ? 0 : x < y ? -1 : 1;
  }
  return a === b ? 0 : a < b ? -1 : 1;
}

/** The requested order (nulls last), then the dimensions in order and the currency: a stable total order. */
function compareGroups(
  a: Group,
  b: Group,
  columns: readonly string[],
  definition: ReportDefinition,
  value: (g: Group, m: LoupeMetric) => MetricValue,
): number {
  const sort = definition.sort;
  if (sort) {
    const direction = sort.order === 'ASCENDING' ? 'asc' : 'desc';
    let c: number;
    if ((definition.metrics as readonly string[]).includes(sort.by)) c = compareMetricValues(value(a, sort.by as LoupeMetric), value(b, sort.by as LoupeMetric), direction);
    else {
      const x = sort.by === 'currency' ? a.currency : (a.values[sort.by] ?? '');
      const y = sort.by === 'currency' ? b.currency : (b.values[sort.by] ?? '');
      c = compareValues(sort.by, x, y) * (direction === 'asc' ? 1 : -1);
    }
    if (c !== 0) return c;
  }
  for (const column of columns) {
    const c = compareValues(column, a.values[column] ?? '', b.values[column] ?? '');
    if (c !== 0) return c;
  }
  return a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0;
}

/** A bookmark is the next offset, bound to the question so it cannot page another report. */
function fingerprint(definition: ReportDefinition): string {
  return createHash('sha256').update(JSON.stringify(definition)).digest('base64url').slice(0, 16);
}

function writeBookmark(offset: number, definition: ReportDefinition): string {
  return Buffer.from(`${offset}.${fingerprint(definition)}`).toString('base64url');
}

function readBookmark(bookmark: string, definition: ReportDefinition): number {
  const [offset, print] = Buffer.from(bookmark, 'base64url').toString().split('.');
  if (!offset || !/^\d{1,9}$/.test(offset) || print !== fingerprint(definition)) {
    throw new InvalidParametersException('Invalid parameters. bookmark does not belong to this report; send the one the previous page returned, with the same question.');
  }
  return Number(offset);
}
