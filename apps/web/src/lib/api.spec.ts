import { healthResponseSchema } from '@loupe/contracts';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { jsonResponse } from '../test/render';
import { apiFetch } from './api';
import { ApiError, InvalidResponseError, NetworkError } from './apiErrors';

const itemSchema = z.object({ id: z.string() });

const downReport = {
  status: 'error',
  checked_at: '2025-01-01T12:00:00.000Z',
  dependencies: {
    postgres: { status: 'up', latency_ms: 3 },
    redis: { status: 'down', latency_ms: null, message: 'connect ECONNREFUSED 127.0.0.1:6379' },
    clickhouse: { status: 'up', latency_ms: 8 },
  },
};

function stubFetch(response: Response | Error | DOMException) {
  const fetchMock = vi.fn(() => (response instanceof Response ? Promise.resolve(response) : Promise.reject(response)));
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

describe('apiFetch', () => {
  it('returns the body parsed by the schema on 2xx', async () => {
    stubFetch(jsonResponse({ id: '42', extra: true }));
    await expect(apiFetch('/v5/items/42', itemSchema)).resolves.toEqual({ id: '42' });
  });

  it('asks for JSON and sends a JSON body when given one', async () => {
    const fetchMock = stubFetch(jsonResponse({ id: '1' }, 201));
    await apiFetch('/v5/items', itemSchema, { method: 'POST', json: { name: 'a' } });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    const headers = new Headers(init.headers);
    expect(url).toBe('/v5/items');
    expect(headers.get('accept')).toBe('application/json');
    expect(headers.get('content-type')).toBe('application/json');
    expect(init.body).toBe('{"name":"a"}');
  });

  it('turns a non-2xx { code, message } body into an ApiError with that code and message', async () => {
    stubFetch(jsonResponse({ code: 2, message: 'Authentication failed: the token has expired.' }, 401));
    const error = await apiFetch('/v5/items', itemSchema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: 2, message: 'Authentication failed: the token has expired.' });
  });

  it('reads a bare 502 as the API being unreachable behind a proxy', async () => {
    stubFetch(new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    const error = await apiFetch('/v5/items', itemSchema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: null });
    expect((error as ApiError).message).toBe(
      'The Loupe API could not be reached (HTTP 502 Bad Gateway from a proxy in front of it). Check that it is running.',
    );
  });

  it('names the status of any other non-2xx answer that has no error body', async () => {
    stubFetch(new Response('', { status: 404, statusText: 'Not Found' }));
    await expect(apiFetch('/v5/items', itemSchema)).rejects.toThrow('The server answered HTTP 404 Not Found without an error message.');
  });

  it('reads a listed non-2xx status as data when the body matches the schema (503 from /health)', async () => {
    stubFetch(jsonResponse(downReport, 503));
    await expect(apiFetch('/health', healthResponseSchema, { dataStatuses: [503] })).resolves.toEqual(downReport);
  });

  it('still throws ApiError for a listed status whose body is an error body', async () => {
    stubFetch(jsonResponse({ code: 503, message: 'The API is shutting down.' }, 503));
    const error = await apiFetch('/health', healthResponseSchema, { dataStatuses: [503] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, code: 503, message: 'The API is shutting down.' });
  });

  it('throws ApiError for a 503 that is not listed as data', async () => {
    stubFetch(jsonResponse(downReport, 503));
    await expect(apiFetch('/health', healthResponseSchema)).rejects.toBeInstanceOf(ApiError);
  });

  it('throws InvalidResponseError naming the field when a 2xx body breaks the contract', async () => {
    stubFetch(jsonResponse({ id: 42 }));
    const error = await apiFetch('/v5/items/42', itemSchema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toMatch(/^Unexpected response from \/v5\/items\/42: id: /);
  });

  it('throws InvalidResponseError when a 2xx body is not JSON', async () => {
    stubFetch(new Response('<!doctype html>', { status: 200 }));
    await expect(apiFetch('/v5/items/42', itemSchema)).rejects.toThrow('the body is not JSON');
  });

  it('wraps a failed connection in a NetworkError that keeps the cause', async () => {
    const cause = new TypeError('Failed to fetch');
    stubFetch(cause);
    const error = await apiFetch('/health', healthResponseSchema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toContain('Could not reach the Loupe API (Failed to fetch)');
    expect((error as NetworkError).cause).toBe(cause);
  });

  it('lets an abort through unchanged so cancelled queries are not reported as failures', async () => {
    const abort = new DOMException('The operation was aborted.', 'AbortError');
    stubFetch(abort);
    await expect(apiFetch('/health', healthResponseSchema)).rejects.toBe(abort);
  });
});
