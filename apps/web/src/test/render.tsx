import { QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import { type ReactElement } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { createQueryClient } from '../app/queryClient';
import { routes } from '../app/routes';
import { setSession } from '../lib/session';

/** Renders the whole app (layout, router, query client) at `path`, as a visitor would land on it. */
export function renderApp(path = '/'): RenderResult {
  return renderAppWithRouter(path).result;
}

/** As renderApp, also handing out the router to assert where navigation went. */
export function renderAppWithRouter(path = '/') {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const result = renderWithQueryClient(<RouterProvider router={router} />);
  return { router, result };
}

/** Signs the test in as if the API had issued `token`. */
export function signInForTest(token = 'test-token', userId = '1'): void {
  setSession({ token, userId }, false);
}

export function renderWithQueryClient(ui: ReactElement): RenderResult {
  const queryClient = createQueryClient();
  // Tests assert on the first failure; retries would only slow them down.
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  return render(<QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>);
}

/** A `fetch` answering with `body` as JSON under `status`. */
export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
