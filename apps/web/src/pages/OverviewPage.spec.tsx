import { type AccountRevenue } from '@loupe/contracts';
import { fireEvent, screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { adAccount, fail, ok, stubApi, type StubCall } from '../test/apiStub';
import { jsonResponse, renderApp, renderAppWithRouter, signInForTest } from '../test/render';

const NOW = new Date('2026-11-27T15:00:00Z');

const CURRENT = {
  SPEND_IN_MICRO_DOLLAR: 100_000_000,
  IMPRESSION_1: 10_000,
  CLICKTHROUGH_1: 200,
  OUTBOUND_CLICK_1: 50,
  REPIN_1: 80,
  TOTAL_ENGAGEMENT: 400,
  TOTAL_CONVERSIONS: 8,
  TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR: 350_000_000,
};
const PREVIOUS = { ...CURRENT, SPEND_IN_MICRO_DOLLAR: 80_000_000, IMPRESSION_1: 8_000, CLICKTHROUGH_1: 100, TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR: 200_000_000, TOTAL_ENGAGEMENT: 300 };
const ZERO = Object.fromEntries(Object.keys(CURRENT).map((k) => [k, 0]));

const revenue: AccountRevenue = {
  ad_account_id: '100',
  currency: 'EUR',
  timezone: 'America/New_York',
  attribution: { click_window_days: 30, view_window_days: 1, conversion_report_time: 'TIME_OF_AD_ACTION' },
  quarters: [
    quarter('2026-Q3', 50_000_000, 100_000_000, null),
    quarter('2026-Q4', 100_000_000, 350_000_000, 2.5),
  ],
};

function quarter(name: string, spend: number, value: number, qoq: number | null) {
  const g = { qoq, yoy: null };
  return {
    quarter: name,
    start_date: '2026-07-01',
    end_date: '2026-09-30',
    spend_in_micro_currency: spend,
    conversion_value_in_micro_currency: value,
    roas: value / spend,
    roi: (value - spend) / spend,
    growth: { spend: g, conversion_value: g, roas: g, roi: g },
  };
}

/** Analytics answers by granularity and period: the previous 30 days start 2026-09-29. */
function analytics(current: Record<string, number>, previous: Record<string, number>) {
  return (call: StubCall) => {
    if (call.query.get('granularity') === 'DAY') return jsonResponse([{ DATE: '2026-11-20', SPEND_IN_MICRO_DOLLAR: current.SPEND_IN_MICRO_DOLLAR, TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR: 0 }]);
    return jsonResponse([{ AD_ACCOUNT_ID: '100', ...(call.query.get('start_date') === '2026-09-29' ? previous : current) }]);
  };
}

const budgetChange = {
  id: '9001',
  created_time: Date.parse('2026-11-20T15:00:00Z') / 1000,
  actor: { id: '1', username: 'clay' },
  object_type: 'AD_GROUP',
  object_id: '601',
  action: 'UPDATE',
  old_values: { budget_in_micro_currency: 50_000_000 },
  new_values: { budget_in_micro_currency: 60_000_000 },
  request_id: null,
};

function stub(answer: Parameters<typeof stubApi>[0][string], role: 'ADMIN' | 'FINANCE_MANAGER' = 'ADMIN') {
  return stubApi({
    'GET /v5/ad_accounts': ok({ items: [adAccount({ currency: 'EUR', role })], bookmark: null }),
    'GET /v5/ad_accounts/100/analytics': answer,
    'GET /v5/ad_accounts/100/revenue/quarters': ok(revenue),
    'GET /v5/ad_accounts/100/audit_log': ok({ items: [budgetChange], bookmark: null }),
    'GET /v5/ad_accounts/100/members': ok({ items: [], bookmark: null }),
    'GET /v5/auth/tokens': ok({ items: [], bookmark: null }),
  });
}

describe('overview', () => {
  beforeEach(() => {
    // Only the clock: Testing Library's waits still use real timers.
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

  it('is the landing tab of an ad account', async () => {
    stub(analytics(CURRENT, PREVIOUS));
    const { router } = renderAppWithRouter('/accounts/100');
    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/accounts/100/overview');
  });

  it('shows each KPI in the account currency with its change against the previous 30 days, from two TOTAL requests', async () => {
    const api = stub(analytics(CURRENT, PREVIOUS));
    renderApp('/accounts/100/overview');

    const cards = await screen.findByRole('list', { name: 'Key figures' });
    const card = (label: string) => within(cards).getByText(label).closest('li')!;
    expect(card('Spend')).toHaveTextContent('€100.00');
    expect(card('Spend')).toHaveTextContent('+25.0% vs previous 30 days');
    expect(card('CTR')).toHaveTextContent('2.00%');
    expect(card('CTR')).toHaveTextContent('+60.0%');
    expect(card('ROAS')).toHaveTextContent('3.50×');
    expect(card('ROI')).toHaveTextContent('250.00%');
    expect(card('CPA')).toHaveTextContent('€12.50');
    // CPA rose from €10.00 to €12.50: announced as worse news, not better.
    expect(card('CPA')).toHaveTextContent('+25.0% vs previous 30 days (worse)');
    const totals = api.callsTo('GET /v5/ad_accounts/100/analytics').filter((c) => c.query.get('granularity') === 'TOTAL');
    expect(totals.map((c) => [c.query.get('start_date'), c.query.get('end_date')])).toEqual(
      expect.arrayContaining([
        ['2026-10-29', '2026-11-27'],
        ['2026-09-29', '2026-10-28'],
      ]),
    );
    expect(screen.getByRole('list', { name: 'Engagement funnel' })).toHaveTextContent('Outbound clicks50 · 0.50% of impressions');
    expect(await screen.findByRole('row', { name: /2026-Q4 €100.00 €350.00 3.50× \+250.0%/ })).toBeInTheDocument();
  });

  it('sends a finance manager, whose role reads no reporting, to finance instead', async () => {
    stub(analytics(CURRENT, PREVIOUS), 'FINANCE_MANAGER');
    const { router } = renderAppWithRouter('/accounts/100');
    expect(await screen.findByRole('heading', { level: 1, name: 'Finance' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/accounts/100/finance');
  });

  it('clamps last quarter to the API’s 90 days, says so, and compares with nothing rather than a shorter period', async () => {
    const api = stub(analytics(CURRENT, PREVIOUS));
    renderApp('/accounts/100/overview');
    await screen.findByRole('list', { name: 'Key figures' });

    fireEvent.click(screen.getByRole('radio', { name: 'Last quarter' }));
    expect(await screen.findByRole('note')).toHaveTextContent('starts 2026-08-29: the analytics API keeps the last 90 days');
    const cards = await screen.findByRole('list', { name: 'Key figures' });
    expect(within(cards).getByText('Spend').closest('li')).toHaveTextContent('No comparison');
    const totals = api.callsTo('GET /v5/ad_accounts/100/analytics').filter((c) => c.query.get('granularity') === 'TOTAL');
    expect(totals.map((c) => c.query.get('start_date'))).toContain('2026-08-29');
    expect(totals.every((c) => c.query.get('start_date')! >= '2026-08-29')).toBe(true);
  });

  it('lists the period’s ad group changes that the trend chart marks', async () => {
    const api = stub(analytics(CURRENT, PREVIOUS));
    renderApp('/accounts/100/overview');
    const changes = await screen.findByText('1 change in this period');
    expect(changes.closest('details')).toHaveTextContent('ad group 601: budget_in_micro_currency · by clay');
    const audit = api.callsTo('GET /v5/ad_accounts/100/audit_log')[0]!;
    // The range's local days in New York, as unix seconds.
    expect([audit.query.get('start_time'), audit.query.get('end_time'), audit.query.get('action')]).toEqual([
      String(Date.parse('2026-10-29T04:00:00Z') / 1000),
      String(Date.parse('2026-11-28T05:00:00Z') / 1000 - 1),
      'UPDATE',
    ]);
  });

  it('says what to do next when the period has no delivery', async () => {
    stub(analytics(ZERO, ZERO));
    renderApp('/accounts/100/overview');
    expect(await screen.findByRole('heading', { name: 'No delivery in this period' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Launch a campaign' })).toHaveAttribute('href', '/accounts/100/campaigns/new');
  });

  it('shows the API’s message when the figures cannot be loaded', async () => {
    stub(fail(400, 1, 'Invalid parameters. start_date can be at most 90 days before today (2026-08-29 or later).'));
    renderApp('/accounts/100/overview');
    const alert = await screen.findByRole('heading', { name: 'Could not load the figures' });
    expect(alert.closest('[role="alert"]')).toHaveTextContent('start_date can be at most 90 days before today');
  });
});
