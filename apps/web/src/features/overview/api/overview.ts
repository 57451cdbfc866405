import {
  accountRevenueSchema,
  analyticsResponseSchema,
  auditLogPageSchema,
  type AnalyticsGranularity,
  type AnalyticsRow,
  type AuditLogEntry,
} from '@loupe/contracts';
import { type PinterestColumn } from '@loupe/metrics';
import { apiFetch } from '../../../lib/api';
import { type DateRange } from '../dateRange';

// The overview's column lists live with the metrics (bench/report times the same questions).
export { OVERVIEW_COLUMNS, TREND_COLUMNS } from '@loupe/metrics';

export function fetchAccountAnalytics(
  accountId: string,
  range: DateRange,
  granularity: AnalyticsGranularity,
  columns: readonly PinterestColumn[],
  signal?: AbortSignal,
): Promise<AnalyticsRow[]> {
  const query = new URLSearchParams({ start_date: range.start, end_date: range.end, granularity, columns: columns.join(',') });
  return apiFetch(`/v5/ad_accounts/${accountId}/analytics?${query}`, analyticsResponseSchema, { signal });
}

export function fetchRevenueQuarters(accountId: string, quarters = 6, signal?: AbortSignal) {
  return apiFetch(`/v5/ad_accounts/${accountId}/revenue/quarters?quarters=${quarters}`, accountRevenueSchema, { signal });
}

/** Object types whose updates move delivery: what the trend chart marks. */
const MARKED_TYPES = new Set(['CAMPAIGN', 'AD_GROUP', 'AD']);

/** Changes to campaigns, ad groups and ads between two instants (unix seconds): at most one page of 100, newest first. */
export async function fetchDeliveryChanges(accountId: string, startTime: number, endTime: number, signal?: AbortSignal): Promise<AuditLogEntry[]> {
  const query = new URLSearchParams({ start_time: String(startTime), end_time: String(endTime), action: 'UPDATE', page_size: '100' });
  const page = await apiFetch(`/v5/ad_accounts/${accountId}/audit_log?${query}`, auditLogPageSchema, { signal });
  return page.items.filter((e) => MARKED_TYPES.has(e.object_type));
}
