import { healthResponseSchema, type HealthResponse } from '@loupe/contracts';
import { apiFetch } from '../../../lib/api';

export const healthQueryKey = ['system', 'health'] as const;

/** `GET /health`. A 503 carries the same report (some dependency is down), so it resolves rather than throws. */
export function fetchHealth(signal?: AbortSignal): Promise<HealthResponse> {
  return apiFetch('/health', healthResponseSchema, { signal, dataStatuses: [503], cache: 'no-store' });
}
