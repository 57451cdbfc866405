import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { adAccount, campaign, fail, ok, stubApi, type StubCall } from '../../../test/apiStub';
import { jsonResponse, renderApp, signInForTest } from '../../../test/render';

const NOW = new Date('2026-11-27T15:00:00Z');

function stub(analytics: Parameters<typeof stubApi>[0][string]) {
  return stubApi({
    'GET /v5/ad_accounts': ok({ items: [adAccount({ role: 'ANALYST' })], bookmark: null }),
    'GET /v5/ad_accounts/100/campaigns': ok({ items: [campaign(), campaign({ id: '502', name: 'Autumn bowls' })], bookmark: null }),
    'GET /v5/ad_accounts/100/campaigns/analytics': analytics,
  });
}

/** One TOTAL row for campaign 501; 502 delivered nothing, so the API has no row for it. */
const answer = () =>
  jsonResponse([
    {
      CAMPAIGN_ID: '501',
      SPEND_IN_MICRO_DOLLAR: 12_345_678,
      IMPRESSION_1: 1_000,
      CLICKTHROUGH_1: 25,
      TOTAL_CONVERSIONS: 3,
      TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR: 50_000_000,
    },
  ]);

/** The first grid of a test file loads AG Grid's chunk cold; on a machine shared by many agents that can take a while. */
const COLD_GRID = { timeout: 20_000 };

const cell = (row: HTMLElement, colId: string) => row.querySelector(`[col-id="${colId}"]`)?.textContent;

describe('campaigns grid metrics', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    signInForTest();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows spend, impressions, clicks, CTR, conversions, CPA and ROAS per row for the range, computed from the sums', async () => {
    const api = stub(answer);
    renderApp('/accounts/100/campaigns');
    const spring = (await screen.findByRole('link', { name: 'Spring mugs' }, COLD_GRID)).closest<HTMLElement>('[role="row"]')!;
    await vi.waitFor(() => expect(cell(spring, 'spend')).toBe('$12.35'));
    expect(cell(spring, 'impressions')).toBe('1,000');
    expect(cell(spring, 'clicks')).toBe('25');
    expect(cell(spring, 'ctr')).toBe('2.50%');
    expect(cell(spring, 'conversions')).toBe('3');
    // 12.345678 / 3 = 4.115226 → $4.12; 50 / 12.345678 = 4.0500… → 4.05×.
    expect(cell(spring, 'cpa')).toBe('$4.12');
    expect(cell(spring, 'roas')).toBe('4.05×');
    const bowls = screen.getByRole('link', { name: 'Autumn bowls' }).closest<HTMLElement>('[role="row"]')!;
    expect([cell(bowls, 'spend'), cell(bowls, 'impressions'), cell(bowls, 'ctr'), cell(bowls, 'cpa'), cell(bowls, 'roas')]).toEqual(['$0.00', '0', '—', '—', '—']);

    const [request] = api.callsTo('GET /v5/ad_accounts/100/campaigns/analytics');
    expect(Object.fromEntries(request!.query)).toMatchObject({
      campaign_ids: '501,502',
      granularity: 'TOTAL',
      start_date: '2026-10-29',
      end_date: '2026-11-27',
      columns: 'SPEND_IN_MICRO_DOLLAR,IMPRESSION_1,CLICKTHROUGH_1,TOTAL_CONVERSIONS,TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR',
    });
  });

  it('asks again for the new range, keeping the server-side status filter and paging', async () => {
    const api = stub(answer);
    renderApp('/accounts/100/campaigns');
    await screen.findByRole('link', { name: 'Spring mugs' }, COLD_GRID);
    fireEvent.click(screen.getByRole('radio', { name: 'Last 7 days' }));
    await vi.waitFor(() => expect(api.callsTo('GET /v5/ad_accounts/100/campaigns/analytics').map((c: StubCall) => c.query.get('start_date'))).toContain('2026-11-21'));
    const pages = api.callsTo('GET /v5/ad_accounts/100/campaigns');
    expect(pages.at(-1)!.query.get('entity_statuses')).toBe('ACTIVE,PAUSED');
    expect(pages.at(-1)!.query.get('page_size')).toBe('100');
  });

  it('keeps the rows and shows the API’s message when the metrics cannot be read', async () => {
    stub(fail(400, 1, "Parameter 'start_date' is more than 90 days ago"));
    renderApp('/accounts/100/campaigns');
    const spring = (await screen.findByRole('link', { name: 'Spring mugs' }, COLD_GRID)).closest<HTMLElement>('[role="row"]')!;
    expect(await screen.findByRole('alert')).toHaveTextContent("could not be loaded: Parameter 'start_date' is more than 90 days ago");
    await vi.waitFor(() => expect(cell(spring, 'spend')).toBe('—'));
    expect(within(spring).queryByText('$0.00')).not.toBeInTheDocument();
  });
});
