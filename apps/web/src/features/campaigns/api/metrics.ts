import { analyticsResponseSchema, type AnalyticsRow } from '@loupe/contracts';
import { measures, ROW_METRIC_COLUMNS, type BaseMeasures } from '@loupe/metrics';
import { apiFetch } from '../../../lib/api';
import { type Level } from './campaigns';

/*
 * The key metrics per grid row for the chosen date range, from the synchronous analytics
 * API (one TOTAL request per page of rows, keyed by the rows' ids). The API answers sums;
 * CTR, CPA and ROAS are computed here from those sums with @loupe/metrics, never averaged.
 */

export { ROW_METRIC_COLUMNS };

/** Sums of one row over the range; null when the metrics could not be loaded. */
export type RowMetrics = BaseMeasures;
export type WithMetrics<T> = T & { metrics?: RowMetrics | null };

const ENDPOINT: Record<Level, { path: string; param: string; idColumn: 'CAMPAIGN_ID' | 'AD_GROUP_ID' | 'AD_ID' }> = {
  campaigns: { path: 'campaigns/analytics', param: 'campaign_ids', idColumn: 'CAMPAIGN_ID' },
  ad_groups: { path: 'ad_groups/analytics', param: 'ad_group_ids', idColumn: 'AD_GROUP_ID' },
  ads: { path: 'ads/analytics', param: 'ad_ids', idColumn: 'AD_ID' },
};

function integer(value: unknown): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return 0n;
}

export function rowMeasures(row: AnalyticsRow | undefined): RowMetrics {
  return measures({
    impressions: integer(row?.IMPRESSION_1),
    clicks: integer(row?.CLICKTHROUGH_1),
    spendMicros: integer(row?.SPEND_IN_MICRO_DOLLAR),
    conversions: { all: integer(row?.TOTAL_CONVERSIONS) },
    conversionValueMicros: { all: integer(row?.TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR) },
  });
}

/** Metrics per id for `ids` over [start, end] (local dates of the account); a row the API does not answer had no delivery. */
export async function fetchRowMetrics(
  accountId: string,
  level: Level,
  ids: readonly string[],
  range: { start: string; end: string },
  signal?: AbortSignal,
): Promise<Map<string, RowMetrics>> {
  const result = new Map<string, RowMetrics>();
  if (ids.length === 0) return result;
  const { path, param, idColumn } = ENDPOINT[level];
  const query = new URLSearchParams({ start_date: range.start, end_date: range.end, granularity: 'TOTAL', columns: ROW_METRIC_COLUMNS.join(','), [param]: ids.join(',') });
  const rows = await apiFetch(`/v5/ad_accounts/${accountId}/${path}?${query}`, analyticsResponseSchema, { signal });
  const byId = new Map(rows.map((r) => [r[idColumn], r] as const));
  for (const id of ids) result.set(id, rowMeasures(byId.get(id)));
  return result;
}
