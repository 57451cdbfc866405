import {
  asyncReportCreateResponseSchema,
  asyncReportGetResponseSchema,
  reportResponseSchema,
  savedReportListSchema,
  savedReportSchema,
  type AsyncReportCreate,
  type ReportDefinition,
  type SavedReportCreate,
  type SavedReportUpdate,
} from '@loupe/contracts';
import { apiFetch } from '../../../lib/api';

export const REPORT_PAGE_SIZE = 500;

export const savedReportsQueryKey = (accountId: string) => ['ad-accounts', accountId, 'saved-reports'] as const;

/** One page of the report builder (`POST /v5/reports/query`); totals cover every page. */
export function runReport(definition: ReportDefinition, bookmark: string | null, signal?: AbortSignal) {
  return apiFetch('/v5/reports/query', reportResponseSchema, {
    method: 'POST',
    json: { ...definition, page_size: REPORT_PAGE_SIZE, ...(bookmark ? { bookmark } : {}) },
    signal,
  });
}

export async function fetchSavedReports(accountId: string, signal?: AbortSignal) {
  return (await apiFetch(`/v5/ad_accounts/${accountId}/saved_reports`, savedReportListSchema, { signal })).items;
}

export function createSavedReport(accountId: string, body: SavedReportCreate) {
  return apiFetch(`/v5/ad_accounts/${accountId}/saved_reports`, savedReportSchema, { method: 'POST', json: body });
}

export function updateSavedReport(accountId: string, id: string, body: SavedReportUpdate) {
  return apiFetch(`/v5/ad_accounts/${accountId}/saved_reports/${id}`, savedReportSchema, { method: 'PATCH', json: body });
}

/** Queues one of Pinterest's async reports; the answer carries the token to ask about. */
export function createAsyncReport(accountId: string, body: AsyncReportCreate) {
  return apiFetch(`/v5/ad_accounts/${accountId}/reports`, asyncReportCreateResponseSchema, { method: 'POST', json: body });
}

export function fetchAsyncReport(accountId: string, token: string, signal?: AbortSignal) {
  return apiFetch(`/v5/ad_accounts/${accountId}/reports?token=${encodeURIComponent(token)}`, asyncReportGetResponseSchema, { signal });
}
