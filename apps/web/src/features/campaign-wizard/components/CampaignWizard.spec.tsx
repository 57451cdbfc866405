import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ad, adAccount, adGroup, bulkFail, bulkOk, campaign, ok, pin, stubApi } from '../../../test/apiStub';
import { renderWithQueryClient } from '../../../test/render';
import { CampaignWizard } from './CampaignWizard';

const account = adAccount({ id: '100', currency: 'USD', timezone: 'America/New_York' });
const sizing = ok({ audience_size_lower_bound: 1_200_000, audience_size_upper_bound: 1_700_000 });

function renderWizard(onLaunched = vi.fn()) {
  renderWithQueryClient(<CampaignWizard account={account} onLaunched={onLaunched} />);
  return onLaunched;
}

const next = () => fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
const type = (label: string | RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

async function stepTitle(text: string) {
  return screen.findByRole('heading', { name: new RegExp(`^Step \\d of 5: ${text}$`) });
}

/** Objective and a valid budget, to reach the later steps. */
async function throughBudget(budget = '50') {
  await stepTitle('Objective');
  fireEvent.click(screen.getByLabelText(/^Awareness/));
  type('Campaign name', 'Spring mugs');
  next();
  await stepTitle('Budget and schedule');
  type(/^Daily budget \(/, budget);
  next();
  await stepTitle('Targeting');
}

describe('create-campaign wizard', () => {
  it('asks for an objective and a name before going on', async () => {
    stubApi({});
    renderWizard();
    await stepTitle('Objective');

    next();

    expect(await screen.findByText('Choose what the campaign should achieve.')).toBeInTheDocument();
    expect(screen.getByText('Must not be empty.')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Step 1 of 5: Objective' })).toBeInTheDocument();
  });

  it('shows the worst-case spend of the budget per day and per month, and refuses more decimals than the currency has', async () => {
    stubApi({});
    renderWizard();
    await stepTitle('Objective');
    fireEvent.click(screen.getByLabelText(/^Awareness/));
    type('Campaign name', 'Spring mugs');
    next();
    await stepTitle('Budget and schedule');

    type(/^Daily budget \(/, '33.33');
    const worst = within(screen.getByRole('group', { name: 'Worst-case spend' }));
    expect(worst.getByText('$33.33')).toBeInTheDocument();
    expect(worst.getByText('$1,033.23')).toBeInTheDocument();

    type(/^Daily budget \(/, '12.345');
    next();
    expect(await screen.findByText('USD amounts have at most 2 decimals.')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Daily budget \(/)).toHaveAttribute('aria-invalid', 'true');
  });

  it('needs an end date for a lifetime budget and spreads it evenly over the schedule', async () => {
    stubApi({});
    renderWizard();
    await stepTitle('Objective');
    fireEvent.click(screen.getByLabelText(/^Awareness/));
    type('Campaign name', 'Spring mugs');
    next();
    await stepTitle('Budget and schedule');

    fireEvent.click(screen.getByLabelText('Lifetime budget'));
    type(/^Lifetime budget \(/, '100');
    next();
    expect(await screen.findByText('A lifetime budget needs an end date to spread it over.')).toBeInTheDocument();

    const start = (screen.getByLabelText('Start date') as HTMLInputElement).value;
    const [y, m, d] = start.split('-').map(Number) as [number, number, number];
    type('End date', new Date(Date.UTC(y, m - 1, d + 2)).toISOString().slice(0, 10));
    const worst = within(screen.getByRole('group', { name: 'Worst-case spend' }));
    expect(worst.getByText('$33.33 per day')).toBeInTheDocument();
  });

  it('refuses a maximum bid above the budget', async () => {
    stubApi({});
    renderWizard();
    await stepTitle('Objective');
    fireEvent.click(screen.getByLabelText(/^Consideration/));
    type('Campaign name', 'Spring mugs');
    next();
    await stepTitle('Budget and schedule');
    type(/^Daily budget \(/, '5');
    fireEvent.click(screen.getByLabelText('Maximum bid'));
    type('Maximum bid per click (USD)', '6');
    next();

    expect(await screen.findByText('The bid must not be more than the budget.')).toBeInTheDocument();
  });

  it('asks the audience sizing API for the chosen targeting and shows its range', async () => {
    const api = stubApi({ 'POST /v5/ad_accounts/100/ad_groups/audience_sizing': sizing });
    renderWizard();
    await throughBudget();

    fireEvent.click(screen.getByLabelText('Germany'));
    fireEvent.click(screen.getByLabelText('Home decor'));
    fireEvent.click(screen.getByLabelText('25-34'));
    fireEvent.click(screen.getByLabelText('Female'));
    fireEvent.click(screen.getByLabelText('iPhone'));
    type('Keywords (one per line)', 'ceramic mug\nstoneware');

    const estimate = within(screen.getByRole('complementary', { name: 'Estimated audience' }));
    expect(await estimate.findByText('1.2M – 1.7M people a month')).toBeInTheDocument();
    await waitFor(() =>
      expect(api.callsTo('POST /v5/ad_accounts/100/ad_groups/audience_sizing').at(-1)?.body).toEqual({
        targeting_spec: {
          AGE_BUCKET: ['25-34'],
          GENDER: ['female'],
          LOCATION: ['DE'],
          APPTYPE: ['iphone'],
          INTEREST: ['903183652505'],
          KEYWORD: [
            { value: 'ceramic mug', match_type: 'BROAD' },
            { value: 'stoneware', match_type: 'BROAD' },
          ],
        },
      }),
    );
  });

  it("checks the creative with the pins contract: a link that is not http(s) is refused beside the field", async () => {
    stubApi({ 'POST /v5/ad_accounts/100/ad_groups/audience_sizing': sizing });
    renderWizard();
    await throughBudget();
    next();
    await stepTitle('Creative');

    type('Image URL', 'https://images.example.com/mug.jpg');
    type('Title', 'Handmade mugs');
    type('Destination link', 'javascript:alert(1)');
    next();

    expect(await screen.findByText('Must be an absolute http:// or https:// URL, such as https://example.com/page.')).toBeInTheDocument();
    expect(screen.getByLabelText('Destination link')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('figure', { name: 'Pin preview' })).toHaveTextContent('Handmade mugs');
  });

  it('saves the draft in this browser and resumes it on the next visit', async () => {
    stubApi({ 'POST /v5/ad_accounts/100/ad_groups/audience_sizing': sizing });
    const { unmount } = renderWithQueryClient(<CampaignWizard account={account} onLaunched={vi.fn()} />);
    await throughBudget('75');
    unmount();

    renderWizard();
    expect(await stepTitle('Targeting')).toBeInTheDocument();
    expect(screen.getByText(/^Resumed your draft saved/)).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    expect(await stepTitle('Budget and schedule')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Daily budget \(/)).toHaveValue('75');
  });

  it('launches campaign, ad group, pin and ad; after a failure it shows the API message and resumes without creating twice', async () => {
    const api = stubApi({
      'POST /v5/ad_accounts/100/ad_groups/audience_sizing': sizing,
      'POST /v5/ad_accounts/100/campaigns': bulkOk(campaign()),
      'POST /v5/ad_accounts/100/ad_groups': [bulkFail('Invalid parameters. budget_in_micro_currency: must be at least 1.00 USD'), bulkOk(adGroup())],
      'POST /v5/pins': ok(pin(), 201),
      'POST /v5/ad_accounts/100/ads': bulkOk(ad()),
    });
    const onLaunched = renderWizard();
    await throughBudget('50');
    fireEvent.click(screen.getByLabelText('United States'));
    next();
    await stepTitle('Creative');
    type('Image URL', 'https://images.example.com/mug.jpg');
    type('Title', 'Handmade mugs');
    type('Destination link', 'https://clay.example.com/spring');
    next();
    await stepTitle('Review and launch');
    expect(screen.getByText('$50.00 per day')).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Launch campaign' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('budget_in_micro_currency: must be at least 1.00 USD');
    expect(alert).toHaveTextContent('What was created so far is kept');
    expect(onLaunched).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Launch campaign' }));
    await waitFor(() => expect(onLaunched).toHaveBeenCalledWith('501'));
    expect(api.callsTo('POST /v5/ad_accounts/100/campaigns')).toHaveLength(1);
    expect(api.callsTo('POST /v5/ad_accounts/100/campaigns')[0]?.body).toEqual([{ name: 'Spring mugs', objective_type: 'AWARENESS', status: 'ACTIVE' }]);
    expect(api.callsTo('POST /v5/ad_accounts/100/ad_groups')[1]?.body).toEqual([
      expect.objectContaining({
        campaign_id: '501',
        billable_event: 'IMPRESSION',
        budget_type: 'DAILY',
        budget_in_micro_currency: 50_000_000,
        bid_strategy_type: 'AUTOMATIC_BID',
        bid_in_micro_currency: null,
        pacing_delivery_type: 'STANDARD',
        targeting_spec: { LOCATION: ['US'] },
      }),
    ]);
    expect(api.callsTo('POST /v5/pins')[0]?.query.get('ad_account_id')).toBe('100');
    expect(api.callsTo('POST /v5/ad_accounts/100/ads')[0]?.body).toEqual([
      { ad_group_id: '601', pin_id: '701', creative_type: 'REGULAR', destination_url: 'https://clay.example.com/spring', name: 'Handmade mugs', status: 'ACTIVE' },
    ]);
    expect(window.localStorage.getItem('loupe.campaign-draft.100')).toBeNull();
  });
});

describe('create-campaign wizard bid floor', () => {
  it("asks the API for the bid floor of the objective's billable event and refuses a bid below it", async () => {
    const api = stubApi({ 'POST /v5/ad_accounts/100/bid_floor': ok({ bid_floors: [80_000], type: 'bidfloor' }) });
    renderWizard();
    await stepTitle('Objective');
    fireEvent.click(screen.getByLabelText(/^Consideration/));
    type('Campaign name', 'Spring mugs');
    next();
    await stepTitle('Budget and schedule');
    type(/^Daily budget \(/, '20');
    fireEvent.click(screen.getByLabelText('Maximum bid'));

    expect(await screen.findByText('At least $0.08 (the bid floor); at most the budget.')).toBeInTheDocument();
    type('Maximum bid per click (USD)', '0.05');
    next();
    expect(await screen.findByText('The bid must be at least $0.08, the lowest bid the auction accepts (the bid floor).')).toBeInTheDocument();
    expect(api.callsTo('POST /v5/ad_accounts/100/bid_floor')[0]?.body).toEqual({ bid_floor_specs: [{ billable_event: 'CLICKTHROUGH', placement_group: 'ALL' }] });

    type('Maximum bid per click (USD)', '0.10');
    next();
    expect(await stepTitle('Targeting')).toBeInTheDocument();
  });
});
