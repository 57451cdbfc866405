import type { AttributionWindowDays, ConversionReportTime, Granularity, RollupKeyColumn, RollupLevel } from '@loupe/analytics';
import { aggregate, measuresFor, PINTEREST_COLUMNS, pinterestRow, type BaseMeasures, type PinterestColumn } from '@loupe/metrics';
import { addDays, floorToHour, startOfLocalDay } from './local-time';
import type { MeasureRow, MeasureStore } from './measure-store';

/** One row in Pinterest's analytics shape: the level's id, DATE/HOUR for time granularities, one value per column. */
export type PinterestReportRow = Record<string, string | number | null>;

export interface PinterestReportRequest {
  level: RollupLevel;
  /** Local dates of the ad account, both inclusive. */
  startDate: string;
  endDate: string;
  granularity: Granularity;
  columns: readonly PinterestColumn[];
  filter?: Partial<Record<RollupKeyColumn, readonly string[] | undefined>>;
  /** Sum the level's rows into one row per period (Pinterest's aggregate_report_rows). */
  aggregateRows?: boolean;
  clickWindowDays: AttributionWindowDays;
  viewWindowDays: AttributionWindowDays;
  reportTime: ConversionReportTime;
}

export const PINTEREST_ID_FIELD: Record<RollupLevel, 'AD_ACCOUNT_ID' | 'CAMPAIGN_ID' | 'AD_GROUP_ID' | 'AD_ID'> = {
  ad_account: 'AD_ACCOUNT_ID',
  campaign: 'CAMPAIGN_ID',
  ad_group: 'AD_GROUP_ID',
  ad: 'AD_ID',
};
const LEVEL_KEY: Record<Exclude<RollupLevel, 'ad_account'>, RollupKeyColumn> = { campaign: 'campaign_id', ad_group: 'ad_group_id', ad: 'ad_id' };

/**
 * Pinterest-shaped analytics rows for one ad account, read through MeasureStore. The
 * synchronous analytics endpoints (API) and the async reports (worker) both call this,
 * so the two give the same figures for the same question. Range limits are the
 * caller's business (the async reports allow wider ranges than the sync endpoints).
 */
export async function pinterestReport(store: MeasureStore, account: { id: string; timezone: string }, request: PinterestReportRequest): Promise<PinterestReportRow[]> {
  const slices = await pinterestSlices(store, account, request);
  return slices.map((slice) => ({ ...slice.fields, ...pinterestRow(request.columns, slice.measures) }));
}

/** A report row before its columns are computed: the id/DATE/HOUR fields and the slice's base measures. */
export interface PinterestSlice {
  fields: Record<string, string | number>;
  measures: BaseMeasures;
}

/** The rows of `pinterestReport` as base measures (the CSV computes exact decimals from these). */
export async function pinterestSlices(store: MeasureStore, account: { id: string; timezone: string }, request: PinterestReportRequest): Promise<PinterestSlice[]> {
  const from = floorToHour(startOfLocalDay(request.startDate, account.timezone));
  const to = floorToHour(startOfLocalDay(addDays(request.endDate, 1), account.timezone));
  const filter = Object.fromEntries(Object.entries(request.filter ?? {}).filter(([, v]) => v !== undefined)) as Partial<Record<RollupKeyColumn, readonly string[]>>;
  const rows = await store.read({
    level: request.level,
    adAccountIds: [account.id],
    from,
    to,
    granularity: request.granularity,
    timezone: account.timezone,
    filter,
    clickWindowDays: request.clickWindowDays,
    viewWindowDays: request.viewWindowDays,
    reportTime: request.reportTime,
    // Only the rollup columns the requested columns are computed from; reach (nearly all of
    // a read's cost) only for the columns that show it.
    measures: measuresFor(request.columns.map((c) => PINTEREST_COLUMNS[c])),
  });
  if (request.aggregateRows) return aggregateByPeriod(rows);
  if (request.level === 'ad_account' && request.granularity === 'TOTAL' && rows.length === 0) {
    return [{ fields: { AD_ACCOUNT_ID: account.id }, measures: aggregate([]) }];
  }
  const level = request.level;
  return rows.map((row) => ({
    fields: {
      [PINTEREST_ID_FIELD[level]]: level === 'ad_account' ? row.adAccountId : (row.ids[LEVEL_KEY[level]] ?? ''),
      ...periodFields(row.period),
    },
    measures: row.measures,
  }));
}

function periodFields(period: string | null): Record<string, string | number> {
  if (period === null) return {};
  // HOUR periods come as local 'YYYY-MM-DD hh:00:00'; Pinterest's DATE is a date, so the hour goes apart.
  return period.length > 10 ? { DATE: period.slice(0, 10), HOUR: Number(period.slice(11, 13)) } : { DATE: period };
}

function aggregateByPeriod(rows: MeasureRow[]): PinterestSlice[] {
  const groups = new Map<string | null, BaseMeasures[]>();
  for (const row of rows) groups.set(row.period, [...(groups.get(row.period) ?? []), row.measures]);
  return [...groups.entries()].map(([period, measures]) => ({ fields: periodFields(period), measures: aggregate(measures) }));
}
