import { QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import { type ReactElement } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { createQueryClient } from '../app/queryClient';
import { routes } from '../app/routes';

/** Renders the whole app (layout, router, query client) at `path`, as a visitor would land on it. */
export function renderApp(path = '/'): RenderResult {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  return renderWithQueryClient(<RouterProvider router={router} />);
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
