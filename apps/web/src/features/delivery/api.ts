import { deliveryDiagnosticsSchema } from '@loupe/contracts';
import { apiFetch } from '../../lib/api';
import { type DateRange } from '../overview/dateRange';

export function fetchDeliveryDiagnostics(accountId: string, adGroupId: string, range: DateRange, signal?: AbortSignal) {
  const query = new URLSearchParams({ start_date: range.start, end_date: range.end });
  return apiFetch(`/v5/ad_accounts/${accountId}/ad_groups/${adGroupId}/delivery_diagnostics?${query}`, deliveryDiagnosticsSchema, { signal });
}
