import { QueryClient } from '@tanstack/react-query';
import { ApiError, InvalidResponseError } from '../lib/apiErrors';

/** Retrying cannot fix a request the API rejected (4xx) or a response of the wrong shape. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof InvalidResponseError) return false;
  if (error instanceof ApiError) return error.status >= 500 || error.status === 429;
  return true;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failureCount, error) => failureCount < 2 && isRetryable(error),
      },
      // A retried write may be applied twice; the person decides whether to resend.
      mutations: { retry: false },
    },
  });
}
