import { useQuery } from '@tanstack/react-query';
import { fetchHealth, healthQueryKey } from '../api/health';

export const HEALTH_REFRESH_MS = 10_000;

export function useHealth() {
  return useQuery({
    queryKey: healthQueryKey,
    queryFn: ({ signal }) => fetchHealth(signal),
    refetchInterval: HEALTH_REFRESH_MS,
    staleTime: 0,
    // The next refresh is the retry; an outage should show at once, not after back-off.
    retry: false,
  });
}
