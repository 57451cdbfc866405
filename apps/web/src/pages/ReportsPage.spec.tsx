import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { adAccount, fail, ok, stubApi, type StubCall } from '../test/apiStub';
import { jsonResponse, renderApp, signInForTest } from '../test/render';

const NOW = new Date('2026-11-27T15:00:00Z');
const US = adAccount({ id: '100', name: 'Clay US', currency: 'USD' });
const EU = adAccount({ id: '200', name: 'Clay Europe', currency: 'EUR', timezone: 'Europe/Berlin' });

const report = {
  columns: [
    { name: 'date', role: 'dimension', type: 'date' },
    { name: 'currency', role: 'dimension', type: 'string' },
    { name: 'spend', role: 'metric', type: 'money_micros' },
    { name: 'impressions', role: 'metric', type: 'count' },
  ],
  rows: [
    { date: '2026-11-26', currency: 'EUR', spend: 1_500_000, impressions: 30 },
    { date: '2026-11-26', currency: 'USD', spend: 2_250_000, impressions: 40 },
    { date: '2026-11-27', currency: 'USD', spend: 1_000_000, impressions: 10 },
  ],
  totals: [
    { currency: 'EUR', ad_account_ids: ['200'], metrics: { spend: 1_500_000, impressions: 30 } },
    { currency: 'USD', ad_account_ids: ['100'], metrics: { spend: 3_250_000, impressions: 50 } },
  ],
  bookmark: null,
  total_rows: 3,
  metadata: {
    start_date: '2026-10-29',
    end_date: '2026-11-27',
    accounts: [
      { ad_account_id: '100', currency: 'USD', timezone: 'America/New_York' },
      { ad_account_id: '200', currency: 'EUR', timezone: 'Europe/Berlin' },
    ],
    attribution: { click_window_days: 30, view_window_days: 1, conversion_report_time: 'TIME_OF_AD_ACTION' },
    notes: [],
  },
};

const saved = (overrides: Record<string, unknown> = {}) => ({
  id: '900',
  ad_account_id: '100',
  name: 'Both accounts by day',
  owner_user_id: '1',
  shared_with_user_ids: [],
  shared_with_account: true,
  definition: {
    ad_account_ids: ['100', '200'],
    start_date: '2026-10-29',
    end_date: '2026-11-27',
    dimensions: ['date'],
    metrics: ['spend', 'impressions'],
    filters: {},
    click_window_days: 30,
    view_window_days: 1,
    conversion_report_time: 'TIME_OF_AD_ACTION',
  },
  created_time: 1_764_000_000,
  updated_time: 1_764_000_000,
  ...overrides,
});

const members = {
  items: [
    { user_id: '1', email: 'me@clay.test', username: 'me', role: 'ADMIN', status: 'ACTIVE', created_time: 1 },
    { user_id: '2', email: 'ana@clay.test', username: 'ana', role: 'ANALYST', status: 'ACTIVE', created_time: 1 },
    { user_id: '3', email: 'fin@clay.test', username: 'fin', role: 'FINANCE_MANAGER', status: 'ACTIVE', created_time: 1 },
  ],
  bookmark: null,
};

function stub(overrides: Parameters<typeof stubApi>[0] = {}) {
  return stubApi({
    'GET /v5/ad_accounts': ok({ items: [US, EU], bookmark: null }),
    'GET /v5/ad_accounts/100/members': ok(members),
    'GET /v5/ad_accounts/100/saved_reports': ok({ items: [] }),
    'POST /v5/reports/query': ok(report),
    ...overrides,
  });
}

// AG Grid and recharts render in jsdom; on a machine shared by many agents a test can pass the 30 s default.
describe('reports screen', { timeout: 90_000 }, () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    vi.stubGlobal(
      'ResizeObserver',
      class {
        observe() {}
        unobserve() {}
        disconnect() {}
      },
    );
    signInForTest();
  });

  it('runs the report over two accounts and pins one totals row per currency, in that currency', async () => {
    const api = stub();
    renderApp('/accounts/100/reports');
    // The first render of a lazy route chunk can be slow on a busy machine.
    expect(await screen.findByRole('heading', { level: 1, name: 'Reports' }, { timeout: 20_000 })).toBeInTheDocument();
    await screen.findByRole('heading', { name: 'Results · 3 rows' });
    fireEvent.click(screen.getByLabelText('Clay Europe · EUR'));
    fireEvent.click(screen.getByRole('button', { name: 'Run report' }));
    await waitFor(() => expect(api.callsTo('POST /v5/reports/query').at(-1)?.body).toMatchObject({ ad_account_ids: ['100', '200'], dimensions: ['date'], page_size: 500 }));

    const grid = await screen.findByRole('region', { name: 'Report rows' });
    const totals = () => [...grid.querySelectorAll('.report-grid__totals')].map((row) => row.textContent ?? '');
    await waitFor(() => expect(totals().length).toBeGreaterThan(0));
    expect(totals().some((row) => row.includes('€1.50') && row.includes('Total EUR (Clay Europe)'))).toBe(true);
    expect(totals().some((row) => row.includes('$3.25') && row.includes('Total USD (Clay US)'))).toBe(true);
    expect(screen.getByText(/Amounts in different currencies are never added/)).toBeInTheDocument();
  });

  it('shows the API’s message when the report is refused, and an empty state when nothing delivered', async () => {
    stub({ 'POST /v5/reports/query': [fail(403, 3, "Role FINANCE_MANAGER on ad account 200 may not read analytics."), ok({ ...report, rows: [], totals: [], total_rows: 0 })] });
    renderApp('/accounts/100/reports');
    const alert = await screen.findByRole('alert', {}, { timeout: 20_000 });
    expect(alert).toHaveTextContent("Role FINANCE_MANAGER on ad account 200 may not read analytics.");
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'No delivery for this report' })).toBeInTheDocument();
  });

  it('saves the report shared with an analyst, and opens a saved report into the builder', async () => {
    const api = stub({
      'GET /v5/ad_accounts/100/saved_reports': [ok({ items: [] }), ok({ items: [saved()] })],
      'POST /v5/ad_accounts/100/saved_reports': (call: StubCall) => jsonResponse(saved({ name: (call.body as { name: string }).name, shared_with_account: false, shared_with_user_ids: ['2'] })),
    });
    renderApp('/accounts/100/reports');
    await screen.findByRole('heading', { name: 'Results · 3 rows' }, { timeout: 20_000 });
    const form = screen.getByRole('form', { name: 'Save report' });
    fireEvent.click(within(form).getByRole('button', { name: 'Save report' }));
    expect(within(form).getByLabelText('Report name')).toHaveAccessibleDescription('Give the report a name.');
    // Only members who may read reports are offered (not the finance manager, not oneself).
    expect(within(form).queryByLabelText(/fin@clay.test/)).toBeNull();
    fireEvent.change(within(form).getByLabelText('Report name'), { target: { value: 'Weekly US' } });
    fireEvent.click(within(form).getByLabelText('ana (ana@clay.test)'));
    fireEvent.click(within(form).getByRole('button', { name: 'Save report' }));
    await within(form).findByText('Saved “Weekly US”.');
    expect(api.callsTo('POST /v5/ad_accounts/100/saved_reports')[0]!.body).toMatchObject({
      name: 'Weekly US',
      shared_with_user_ids: ['2'],
      shared_with_account: false,
      definition: { ad_account_ids: ['100'], metrics: ['spend', 'impressions', 'clicks', 'ctr', 'conversions', 'roas'] },
    });

    fireEvent.click(await screen.findByRole('button', { name: 'Open Both accounts by day' }));
    await waitFor(() => expect(screen.getByLabelText('Clay Europe · EUR')).toBeChecked());
    expect(screen.getByLabelText('Custom')).toBeChecked();
    expect(screen.getByRole('button', { name: 'Save changes' })).toBeInTheDocument();
    await waitFor(() => expect(api.callsTo('POST /v5/reports/query').at(-1)?.body).toMatchObject({ ad_account_ids: ['100', '200'], metrics: ['spend', 'impressions'] }));
  });

  it('exports a CSV per account as a job, with a progress bar, then a download link for each file', async () => {
    const status = (token: string) => [
      ok({ report_status: 'IN_PROGRESS', url: null, size: null, progress: 40 }),
      ok({ report_status: 'FINISHED', url: `http://loupe.test/v5/report_files/${token}.c.x.y`, size: 2048, progress: 100 }),
    ];
    const api = stub({
      'POST /v5/reports/query': ok({ ...report, rows: report.rows.filter((r) => r.currency === 'USD'), totals: [report.totals[1]], total_rows: 2 }),
      'POST /v5/ad_accounts/100/reports': ok({ report_status: 'IN_PROGRESS', token: 'tok-us', message: null }),
      'GET /v5/ad_accounts/100/reports': status('tok-us'),
    });
    renderApp('/accounts/100/reports');
    await screen.findByRole('heading', { name: 'Results · 2 rows' }, { timeout: 20_000 });
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    const bar = await screen.findByRole('progressbar');
    await waitFor(() => expect(bar).toHaveAttribute('value', '40'));
    const link = await screen.findByRole('link', { name: 'Download CSV · Clay US' }, { timeout: 5_000 });
    expect(link).toHaveAttribute('href', 'http://loupe.test/v5/report_files/tok-us.c.x.y');
    expect(screen.getByText('Export finished')).toBeInTheDocument();
    expect(api.callsTo('POST /v5/ad_accounts/100/reports')[0]!.body).toMatchObject({
      level: 'ADVERTISER',
      granularity: 'DAY',
      report_format: 'CSV',
      columns: ['SPEND_IN_MICRO_DOLLAR', 'IMPRESSION_1', 'CLICKTHROUGH_1', 'CTR', 'TOTAL_CONVERSIONS'],
    });
    expect(screen.getByText(/ROAS is not a Pinterest report column/)).toBeInTheDocument();
  });
});
