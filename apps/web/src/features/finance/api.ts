import {
  accountFinanceSpendSchema,
  billingInvoiceDetailSchema,
  billingInvoiceListSchema,
  errorBodySchema,
  financePeriodListSchema,
  financePeriodSchema,
  type FinanceGranularity,
} from '@loupe/contracts';
import { apiFetch } from '../../lib/api';
import { ApiError, NetworkError, errorMessage } from '../../lib/apiErrors';
import { clearSession, getSession } from '../../lib/session';

/*
 * Finance routes (docs/finance.md): billed spend from the spend ledger, months with their
 * closing, invoices with their lines. JSON answers are validated by the contracts; CSVs
 * are downloaded as the API renders them (never re-built here), so a file is the API's.
 */

export const financeKey = (accountId: string) => ['ad-accounts', accountId, 'finance'] as const;

export interface SpendRange {
  granularity: FinanceGranularity;
  start: string;
  end: string;
}

export function spendPath(accountId: string, range: SpendRange, format: 'json' | 'csv' = 'json'): string {
  const query = new URLSearchParams({ granularity: range.granularity, start: range.start, end: range.end });
  if (format === 'csv') query.set('format', 'csv');
  return `/v5/ad_accounts/${accountId}/finance/spend?${query}`;
}

export function fetchSpend(accountId: string, range: SpendRange, signal?: AbortSignal) {
  return apiFetch(spendPath(accountId, range), accountFinanceSpendSchema, { signal });
}

export function fetchPeriods(accountId: string, signal?: AbortSignal) {
  return apiFetch(`/v5/ad_accounts/${accountId}/finance/periods`, financePeriodListSchema, { signal });
}

export function closePeriod(accountId: string, period: string, note: string | undefined) {
  return apiFetch(`/v5/ad_accounts/${accountId}/finance/periods/${period}/close`, financePeriodSchema, {
    method: 'POST',
    json: note === undefined ? {} : { note },
  });
}

export function fetchInvoices(accountId: string, signal?: AbortSignal) {
  return apiFetch(`/v5/ad_accounts/${accountId}/billing_invoices`, billingInvoiceListSchema, { signal });
}

export function invoicePath(accountId: string, invoiceId: string, format: 'json' | 'csv' = 'json'): string {
  return `/v5/ad_accounts/${accountId}/billing_invoices/${invoiceId}${format === 'csv' ? '?format=csv' : ''}`;
}

export function fetchInvoice(accountId: string, invoiceId: string, signal?: AbortSignal) {
  return apiFetch(invoicePath(accountId, invoiceId), billingInvoiceDetailSchema, { signal });
}

/** The file name the API gives in Content-Disposition, or `fallback`. */
export function attachmentName(disposition: string | null, fallback: string): string {
  const match = disposition ? /filename="([^"]+)"/.exec(disposition) : null;
  return match?.[1] ?? fallback;
}

/**
 * Downloads a CSV the API renders (with the bearer token, which a plain link cannot
 * send) and hands it to the browser as a file. Errors come back as the API's message.
 */
export async function downloadCsv(path: string, fallbackName: string): Promise<string> {
  const session = getSession();
  const headers = new Headers({ accept: 'text/csv' });
  if (session) headers.set('authorization', `Bearer ${session.token}`);
  let response: Response;
  try {
    response = await fetch(path, { headers });
  } catch (error) {
    throw new NetworkError(`Could not reach the Loupe API (${errorMessage(error)}). Check that it is running and reachable.`, { cause: error });
  }
  if (!response.ok) {
    let body: unknown;
    try {
      body = (await response.json()) as unknown;
    } catch {
      body = undefined;
    }
    const parsed = errorBodySchema.safeParse(body);
    if (response.status === 401 && session) clearSession();
    throw parsed.success
      ? new ApiError(response.status, parsed.data.code, parsed.data.message)
      : new ApiError(response.status, null, `The server answered HTTP ${response.status} without an error message.`);
  }
  const blob = await response.blob();
  const name = attachmentName(response.headers.get('content-disposition'), fallbackName);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the blob to the download; the URL is not needed after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return name;
}
