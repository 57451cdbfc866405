import { type HealthResponse } from '@loupe/contracts';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { SystemStatus } from '../features/system-status/components/SystemStatus';
import { jsonResponse, renderApp, renderWithQueryClient } from '../test/render';

const allUp: HealthResponse = {
  status: 'ok',
  checked_at: '2025-01-01T12:00:00.000Z',
  dependencies: {
    postgres: { status: 'up', latency_ms: 3.2 },
    redis: { status: 'up', latency_ms: 0.4 },
    clickhouse: { status: 'up', latency_ms: 41.6 },
  },
};

const redisDown: HealthResponse = {
  status: 'error',
  checked_at: '2025-01-01T12:00:10.000Z',
  dependencies: {
    postgres: { status: 'up', latency_ms: 2 },
    redis: { status: 'down', latency_ms: null, message: 'connect ECONNREFUSED 127.0.0.1:6379' },
    clickhouse: { status: 'up', latency_ms: 12 },
  },
};

/** Stubs `fetch` with one answer per call (the last one repeats). */
function stubFetch(...answers: Array<() => Promise<Response>>) {
  let call = 0;
  const fetchMock = vi.fn(() => {
    const answer = answers[Math.min(call, answers.length - 1)];
    call += 1;
    return answer();
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

const answer = (body: unknown, status = 200) => () => Promise.resolve(jsonResponse(body, status));

function dependency(name: string) {
  return within(screen.getByRole('listitem', { name }));
}

describe('System status page', () => {
  it('shows each dependency up with its latency when /health answers 200', async () => {
    const fetchMock = stubFetch(answer(allUp));
    renderApp('/status');

    expect(await screen.findByRole('heading', { name: 'All systems operational' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'System status' })).toBeInTheDocument();
    expect(dependency('PostgreSQL').getByText('Up')).toBeInTheDocument();
    expect(dependency('PostgreSQL').getByText('3.2 ms')).toBeInTheDocument();
    expect(dependency('Redis').getByText('0.4 ms')).toBeInTheDocument();
    expect(dependency('ClickHouse').getByText('42 ms')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledWith('/health', expect.objectContaining({ cache: 'no-store' }));
  });

  it('shows a loading skeleton until /health answers', async () => {
    stubFetch(() => new Promise<Response>(() => undefined));
    renderApp('/status');

    expect(await screen.findByText('Loading system status…')).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: /dependencies/i })).not.toBeInTheDocument();
    expect(screen.queryByText('Up')).not.toBeInTheDocument();
  });

  it("renders a 503 report as data: the down dependency, its message, and the others' latency", async () => {
    stubFetch(answer(redisDown, 503));
    renderApp('/status');

    expect(await screen.findByRole('heading', { name: 'Redis is down' })).toBeInTheDocument();
    expect(dependency('Redis').getByText('Down')).toBeInTheDocument();
    expect(dependency('Redis').getByText('not measured')).toBeInTheDocument();
    expect(dependency('Redis').getByText('connect ECONNREFUSED 127.0.0.1:6379')).toBeInTheDocument();
    expect(dependency('PostgreSQL').getByText('Up')).toBeInTheDocument();
    expect(dependency('ClickHouse').getByText('12 ms')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it("shows the API's code and message when /health fails with an error body", async () => {
    stubFetch(answer({ code: 500, message: 'Health check crashed: probe registry is empty.' }, 500));
    renderApp('/status');

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'Could not load system status' })).toBeInTheDocument();
    expect(alert).toHaveTextContent('Health check crashed: probe registry is empty.');
    expect(alert).toHaveTextContent('Error code 500 · HTTP 500');
  });

  it('shows the network error when the API cannot be reached, and recovers on "Try again"', async () => {
    const fetchMock = stubFetch(() => Promise.reject(new TypeError('Failed to fetch')), answer(allUp));
    renderApp('/status');

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not reach the Loupe API (Failed to fetch)');

    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'All systems operational' })).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('asks /health again every 10 seconds and shows the new report', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const fetchMock = stubFetch(answer(allUp), answer(redisDown, 503));
    renderWithQueryClient(<SystemStatus />);
    expect(await screen.findByRole('heading', { name: 'All systems operational' })).toBeInTheDocument();

    await act(() => vi.advanceTimersByTimeAsync(9_000));
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await act(() => vi.advanceTimersByTimeAsync(1_000));
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(await screen.findByRole('heading', { name: 'Redis is down' })).toBeInTheDocument();
  });

  it('keeps the last report on screen, with a warning, when a refresh fails', async () => {
    stubFetch(answer(allUp), () => Promise.reject(new TypeError('Failed to fetch')));
    renderWithQueryClient(<SystemStatus />);
    expect(await screen.findByRole('heading', { name: 'All systems operational' })).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Refresh now' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The last refresh failed, so this report is from the previous check.');
    expect(alert).toHaveTextContent('Could not reach the Loupe API');
    expect(dependency('PostgreSQL').getByText('3.2 ms')).toBeInTheDocument();
  });
});
