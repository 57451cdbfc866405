import { reservePrice } from '@loupe/auction';
import { describe, expect, it } from 'vitest';
import { checkAdGroup, defaultBidStrategy, type AdGroupRuleFields, type ParentCampaign } from './ad-group.rules';

const NOW = 1_800_000_000;
const DAY = 86_400;
const ctx = { now: NOW, currency: 'USD' };
const campaign = (fields: Partial<ParentCampaign> = {}): ParentCampaign => ({
  id: '1',
  status: 'ACTIVE',
  objective_type: 'CONSIDERATION',
  start_time: NOW - DAY,
  end_time: null,
  ...fields,
});
const adGroup = (fields: Partial<AdGroupRuleFields> = {}): AdGroupRuleFields => ({
  status: 'ACTIVE',
  campaign_id: '1',
  budget_type: 'DAILY',
  budget_in_micro_currency: 50_000_000,
  bid_in_micro_currency: 1_000_000,
  bid_strategy_type: 'MAX_BID',
  billable_event: 'CLICKTHROUGH',
  placement_group: 'ALL',
  start_time: null,
  end_time: null,
  daily_frequency_cap: null,
  lifetime_frequency_cap: null,
  ...fields,
});
const failure = (fn: () => void): string => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};
const check = (next: AdGroupRuleFields, parent = campaign(), previous: AdGroupRuleFields | null = null) => failure(() => checkAdGroup(next, previous, parent, ctx));

describe('checkAdGroup', () => {
  it('accepts a valid ad group', () => {
    expect(check(adGroup())).toBe('no error');
  });

  it.each([
    [adGroup({ budget_type: 'LIFETIME' }), 'end_time: is required when budget_type is LIFETIME'],
    [adGroup({ start_time: NOW + DAY, end_time: NOW + DAY }), 'end_time: must be after start_time'],
    [adGroup({ end_time: NOW - 1 }), 'end_time: must be in the future'],
    [adGroup({ budget_in_micro_currency: null }), 'budget_in_micro_currency: is required'],
    [adGroup({ bid_in_micro_currency: null }), 'bid_in_micro_currency: is required when bid_strategy_type is MAX_BID'],
    [adGroup({ bid_strategy_type: 'AUTOMATIC_BID' }), 'bid_in_micro_currency: must be null when bid_strategy_type is AUTOMATIC_BID'],
    [adGroup({ bid_in_micro_currency: 60_000_000 }), "bid_in_micro_currency: must not exceed the ad group's daily budget"],
    [adGroup({ bid_in_micro_currency: 10_000 }), 'bid_in_micro_currency: must be at least the bid floor'],
    [adGroup({ billable_event: 'IMPRESSION', bid_in_micro_currency: 3_000_000 }), 'billable_event: CONSIDERATION campaigns are billed on CLICKTHROUGH'],
    [adGroup({ lifetime_frequency_cap: 3, end_time: NOW + DAY }), 'lifetime_frequency_cap: is only available for ad groups billed on IMPRESSION'],
  ])('refuses %j', (next, message) => {
    expect(check(next)).toContain(message);
  });

  it('checks dates against the campaign schedule', () => {
    const parent = campaign({ start_time: NOW + DAY, end_time: NOW + 10 * DAY });
    expect(check(adGroup({ start_time: NOW }), parent)).toContain("start_time: must not be before the campaign's start_time");
    expect(check(adGroup({ start_time: NOW + 10 * DAY }), parent)).toContain("start_time: must be before the campaign's end_time");
    expect(check(adGroup({ end_time: NOW + 11 * DAY }), parent)).toContain("end_time: must not be after the campaign's end_time");
    expect(check(adGroup({ start_time: NOW + 2 * DAY, end_time: NOW + 9 * DAY }), parent)).toBe('no error');
  });

  it("does not re-check unchanged dates against a campaign whose schedule moved (the campaign's dates supersede)", () => {
    const before = adGroup({ start_time: NOW + DAY, end_time: NOW + 5 * DAY });
    const moved = campaign({ start_time: NOW + 2 * DAY, end_time: NOW + 3 * DAY });
    expect(check({ ...before, bid_in_micro_currency: 2_000_000 }, moved, before)).toBe('no error');
    expect(check({ ...before, end_time: NOW + 4 * DAY }, moved, before)).toContain("end_time: must not be after the campaign's end_time");
  });

  it('refuses any create or change under an archived campaign', () => {
    const archived = campaign({ status: 'ARCHIVED' });
    expect(check(adGroup(), archived)).toContain('ad groups cannot be created in an archived campaign');
    expect(check(adGroup({ status: 'PAUSED' }), archived, adGroup())).toContain('the ad groups of an archived campaign cannot be changed');
  });

  it('lets billable_event and budget_type change only on drafts, and never the campaign', () => {
    const parent = campaign({ objective_type: 'WEB_CONVERSION' });
    const live = adGroup();
    expect(check({ ...live, billable_event: 'IMPRESSION', bid_in_micro_currency: 3_000_000 }, parent, live)).toContain('billable_event: can only change while the ad group is a DRAFT');
    expect(check({ ...live, budget_type: 'LIFETIME', end_time: NOW + DAY }, parent, live)).toContain('budget_type: can only change while the ad group is a DRAFT');
    const draft = adGroup({ status: 'DRAFT' });
    expect(check({ ...draft, billable_event: 'IMPRESSION', bid_in_micro_currency: 3_000_000 }, parent, draft)).toBe('no error');
    expect(check({ ...live, campaign_id: '2' }, parent, live)).toContain('campaign_id: an ad group cannot move to another campaign');
  });

  it('allows a bid exactly at the floor of the placement, in the account currency', () => {
    const floor = reservePrice({ placement: 'SEARCH', billableEvent: 'CLICKTHROUGH', currency: 'EUR' });
    const at = adGroup({ placement_group: 'SEARCH', bid_in_micro_currency: floor });
    expect(failure(() => checkAdGroup(at, null, campaign(), { now: NOW, currency: 'EUR' }))).toBe('no error');
    expect(failure(() => checkAdGroup({ ...at, bid_in_micro_currency: floor - 1 }, null, campaign(), { now: NOW, currency: 'EUR' }))).toContain(`${floor} micros EUR`);
  });

  it('caps daily frequency by the lifetime cap', () => {
    const parent = campaign({ objective_type: 'AWARENESS' });
    const cpm = adGroup({ billable_event: 'IMPRESSION', bid_in_micro_currency: 3_000_000, end_time: NOW + DAY });
    expect(check({ ...cpm, lifetime_frequency_cap: 5, daily_frequency_cap: 5 }, parent)).toBe('no error');
    expect(check({ ...cpm, lifetime_frequency_cap: 5, daily_frequency_cap: 6 }, parent)).toContain('daily_frequency_cap: must not exceed lifetime_frequency_cap');
    expect(check({ ...cpm, end_time: null, lifetime_frequency_cap: 5 }, parent)).toContain('lifetime_frequency_cap: requires end_time');
  });
});

describe('defaultBidStrategy', () => {
  it('is MAX_BID with a bid and AUTOMATIC_BID without one, where Pinterest does not require a bid', () => {
    expect(defaultBidStrategy(campaign(), 'CLICKTHROUGH', 1)).toBe('MAX_BID');
    expect(defaultBidStrategy(campaign({ objective_type: 'WEB_CONVERSION' }), 'CLICKTHROUGH', null)).toBe('AUTOMATIC_BID');
  });

  it.each([
    ['AWARENESS', 'IMPRESSION'],
    ['CONSIDERATION', 'CLICKTHROUGH'],
    ['CATALOG_SALES', 'CLICKTHROUGH'],
  ] as const)('requires a bid for %s billed on %s, as Pinterest', (objective, event) => {
    expect(failure(() => defaultBidStrategy(campaign({ objective_type: objective }), event, null))).toContain(
      `bid_in_micro_currency: is required for ${objective} campaigns billed on ${event}`,
    );
  });
});
