import { type DeliveryDiagnostics } from '@loupe/contracts';
import { screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { adAccount, adGroup, fail, ok, stubApi } from '../test/apiStub';
import { renderApp, signInForTest } from '../test/render';

const day = (date: string, entered: number, won: number, lost: Partial<DeliveryDiagnostics['days'][number]['lost_by_reason']>, median: number | null, p75: number | null, sampled = false) => ({
  date,
  auctions_entered: entered,
  auctions_won: won,
  auctions_lost: entered - won,
  lost_by_reason: { TARGETING: 0, BUDGET: 0, PACING: 0, FREQUENCY_CAP: 0, BELOW_FLOOR: 0, OUTRANKED: 0, ...lost },
  min_bid_to_win_micro_currency: { median, p75 },
  loss_counts_sampled: sampled,
});

const diagnostics: DeliveryDiagnostics = {
  ad_group_id: '601',
  ad_account_id: '100',
  billable_event: 'CLICKTHROUGH',
  current_bid_in_micro_currency: 2_000_000,
  currency: 'USD',
  targeting_sample_rate: 10,
  days: [day('2026-11-26', 600, 150, { OUTRANKED: 300, BUDGET: 150 }, 2_400_000, 2_900_000), day('2026-11-27', 400, 50, { OUTRANKED: 300, BELOW_FLOOR: 50 }, 2_750_000, 3_100_000)],
  suggestion: 'Most lost auctions went to higher bids: raise the bid to about $2.75 per click.',
};

function stub(answer: ReturnType<typeof ok>) {
  return stubApi({
    'GET /v5/ad_accounts': ok({ items: [adAccount()], bookmark: null }),
    'GET /v5/ad_accounts/100/ad_groups/601': ok(adGroup()),
    'GET /v5/ad_accounts/100/ad_groups/601/delivery_diagnostics': answer,
  });
}

describe('why isn’t my ad delivering?', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-27T15:00:00Z'));
    signInForTest();
  });

  it('sums auctions entered, won and lost over the days, lists losses by reason, and explains the bid to win', async () => {
    const api = stub(ok(diagnostics));
    renderApp('/accounts/100/ad_groups/601/delivery');

    const auctions = await screen.findByRole('list', { name: 'Auctions' });
    expect(within(auctions).getByText('Auctions entered').closest('li')).toHaveTextContent('1,000');
    expect(within(auctions).getByText('Won').closest('li')).toHaveTextContent('20020.00% win rate');
    expect(within(auctions).getByText('Lost').closest('li')).toHaveTextContent('800');
    const reasons = screen.getByRole('heading', { name: 'Why auctions were lost' }).closest('section')!;
    expect([...reasons.querySelectorAll('[data-reason]')].map((li) => li.getAttribute('data-reason'))).toEqual(['OUTRANKED', 'BUDGET', 'BELOW_FLOOR']);
    expect(within(reasons).getByText(/^600 · 75.00%/)).toBeInTheDocument();
    expect(screen.getByText(/Your bid: \$2.00 per click/)).toBeInTheDocument();
    // The latest day's estimate: medians of different days are not combined.
    expect(screen.getByText(/On 2026-11-27, a bid of \$2.75 per click would have won half .* and \$3.10 three in four/)).toBeInTheDocument();
    expect(screen.getByText(diagnostics.suggestion)).toBeInTheDocument();
    expect(api.callsTo('GET /v5/ad_accounts/100/ad_groups/601/delivery_diagnostics')[0]!.query.toString()).toBe('start_date=2026-11-21&end_date=2026-11-27');
  });

  it('says the loss counts are estimates only when a day was counted from a sample of auctions', async () => {
    stub(ok(diagnostics));
    const first = renderApp('/accounts/100/ad_groups/601/delivery');
    await screen.findByRole('list', { name: 'Auctions' });
    expect(screen.queryByText(/counted on a sample of auctions/)).not.toBeInTheDocument();
    first.unmount();

    stub(ok({ ...diagnostics, days: [diagnostics.days[0]!, day('2026-11-27', 400, 50, { OUTRANKED: 350 }, 2_750_000, 3_100_000, true)] }));
    renderApp('/accounts/100/ad_groups/601/delivery');
    expect(await screen.findByText(/losses are counted on a sample of auctions and scaled up, so these counts are estimates/)).toBeInTheDocument();
  });

  it('says what to check when the ad group entered no auction', async () => {
    stub(ok({ ...diagnostics, days: [day('2026-11-27', 0, 0, {}, null, null)], suggestion: 'The ad group is paused: resume it to enter auctions.' }));
    renderApp('/accounts/100/ad_groups/601/delivery');
    expect(await screen.findByRole('heading', { name: 'This ad group entered no auctions in this period' })).toBeInTheDocument();
    expect(screen.getByText('The ad group is paused: resume it to enter auctions.')).toBeInTheDocument();
  });

  it('shows the API’s message when the diagnostics cannot be loaded', async () => {
    stub(fail(404, 2, 'Ad group not found.'));
    renderApp('/accounts/100/ad_groups/601/delivery');
    const alert = (await screen.findByRole('heading', { name: 'Could not load the delivery diagnostics' })).closest('[role="alert"]')!;
    expect(alert).toHaveTextContent('Ad group not found.');
  });
});
