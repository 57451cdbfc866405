import { isReserveCurrency, reservePrice } from '@loupe/auction';
import type { AdGroup, BillableEvent, Campaign, ObjectiveType } from '@loupe/contracts';
import { describeTime, invalidField } from '../common/rule-errors';

/** The fields ad group rules read. */
export type AdGroupRuleFields = Pick<
  AdGroup,
  | 'status'
  | 'campaign_id'
  | 'budget_type'
  | 'budget_in_micro_currency'
  | 'bid_in_micro_currency'
  | 'bid_strategy_type'
  | 'billable_event'
  | 'placement_group'
  | 'start_time'
  | 'end_time'
  | 'daily_frequency_cap'
> & { lifetime_frequency_cap?: number | null };

export type ParentCampaign = Pick<Campaign, 'id' | 'status' | 'objective_type' | 'start_time' | 'end_time'>;

/**
 * What each campaign objective is billed on, as in Pinterest: awareness buys
 * impressions (CPM), consideration buys clicks (CPC). VIDEO_V_50_MRC, Pinterest's video
 * billing, is not offered (Loupe serves image ads), so video campaigns bill impressions.
 */
export const OBJECTIVE_BILLABLE_EVENTS: Readonly<Record<ObjectiveType, readonly BillableEvent[]>> = {
  AWARENESS: ['IMPRESSION'],
  CONSIDERATION: ['CLICKTHROUGH'],
  WEB_CONVERSION: ['IMPRESSION', 'CLICKTHROUGH'],
  CATALOG_SALES: ['CLICKTHROUGH', 'IMPRESSION'],
  VIDEO_COMPLETION: ['IMPRESSION'],
};

/**
 * Objective / billable event pairs for which Pinterest requires a bid when no bid
 * strategy is named (its `bid_in_micro_currency` documentation).
 */
const BID_REQUIRED_WITHOUT_STRATEGY: ReadonlyArray<readonly [ObjectiveType, BillableEvent]> = [
  ['AWARENESS', 'IMPRESSION'],
  ['CONSIDERATION', 'CLICKTHROUGH'],
  ['CATALOG_SALES', 'CLICKTHROUGH'],
];

/** Bid unit per billable event, for messages. */
const BID_UNIT: Record<BillableEvent, string> = { IMPRESSION: 'per thousand impressions (CPM)', CLICKTHROUGH: 'per click (CPC)' };

export interface AdGroupRuleContext {
  now: number;
  /** The ad account's currency: floors are priced in it. */
  currency: string;
}

/**
 * At creation, with no `bid_strategy_type` sent: Pinterest's rule that some objective /
 * billable event pairs need a bid, then the strategy Loupe stores so that delivery
 * never has to guess (MAX_BID when a bid was given, AUTOMATIC_BID otherwise).
 */
export function defaultBidStrategy(
  campaign: ParentCampaign,
  billableEvent: BillableEvent,
  bid: number | null,
): 'MAX_BID' | 'AUTOMATIC_BID' {
  if (bid !== null) return 'MAX_BID';
  if (BID_REQUIRED_WITHOUT_STRATEGY.some(([o, e]) => o === campaign.objective_type && e === billableEvent)) {
    throw invalidField(
      'bid_in_micro_currency',
      `is required for ${campaign.objective_type} campaigns billed on ${billableEvent} (a bid ${BID_UNIT[billableEvent]} in micro-currency), unless bid_strategy_type is AUTOMATIC_BID.`,
    );
  }
  return 'AUTOMATIC_BID';
}

/**
 * Business rules of an ad group as it will be after a create (`previous` null) or an
 * update, under its campaign. Throws a 400 naming the field. Status moves and
 * archived ad groups are checked by the shared write path (common/account-objects.ts).
 */
export function checkAdGroup(next: AdGroupRuleFields, previous: AdGroupRuleFields | null, campaign: ParentCampaign, ctx: AdGroupRuleContext): void {
  // What may not change at all is reported before what the new values would break.
  if (previous !== null && previous.status !== 'DRAFT') {
    if (next.billable_event !== previous.billable_event) {
      throw invalidField('billable_event', 'can only change while the ad group is a DRAFT, as in Pinterest; create a new ad group to bill on another event.');
    }
    if (next.budget_type !== previous.budget_type) {
      throw invalidField('budget_type', 'can only change while the ad group is a DRAFT, as in Pinterest; create a new ad group for another budget type.');
    }
  }
  checkParent(next, previous, campaign);
  checkSchedule(next, previous, campaign, ctx.now);
  checkBudgetAndBid(next, ctx.currency);
  checkFrequencyCaps(next);
}

function checkParent(next: AdGroupRuleFields, previous: AdGroupRuleFields | null, campaign: ParentCampaign): void {
  if (previous !== null && next.campaign_id !== previous.campaign_id) {
    throw invalidField('campaign_id', `an ad group cannot move to another campaign (it belongs to ${previous.campaign_id}); create a new ad group there.`);
  }
  if (campaign.status === 'ARCHIVED') {
    throw invalidField(
      'campaign_id',
      previous === null
        ? `campaign ${campaign.id} is archived; ad groups cannot be created in an archived campaign.`
        : `campaign ${campaign.id} is archived; the ad groups of an archived campaign cannot be changed.`,
    );
  }
  const allowed = OBJECTIVE_BILLABLE_EVENTS[campaign.objective_type];
  if (!allowed.includes(next.billable_event)) {
    throw invalidField('billable_event', `${campaign.objective_type} campaigns are billed on ${allowed.join(' or ')}; got ${next.billable_event}.`);
  }
}

function checkSchedule(next: AdGroupRuleFields, previous: AdGroupRuleFields | null, campaign: ParentCampaign, now: number): void {
  const { start_time: start, end_time: end } = next;
  if (next.budget_type === 'LIFETIME' && end === null) {
    throw invalidField('end_time', 'is required when budget_type is LIFETIME: the budget is spread evenly until end_time.');
  }
  if (start !== null && end !== null && end <= start) {
    throw invalidField('end_time', `must be after start_time ${describeTime(start)}; got ${describeTime(end)}.`);
  }
  if (end !== null && (previous === null || previous.end_time !== end) && end <= now) {
    throw invalidField('end_time', `must be in the future; got ${describeTime(end)}.`);
  }
  // Only the ad group's own dates are checked when they are set or changed, so a later
  // change of the campaign's schedule (which supersedes, as in Pinterest) never locks
  // its ad groups out of unrelated edits.
  const startChanged = previous === null || previous.start_time !== start;
  const endChanged = previous === null || previous.end_time !== end;
  if (start !== null && startChanged) {
    if (campaign.start_time !== null && start < campaign.start_time) {
      throw invalidField('start_time', `must not be before the campaign's start_time ${describeTime(campaign.start_time)}; got ${describeTime(start)}.`);
    }
    if (campaign.end_time !== null && start >= campaign.end_time) {
      throw invalidField('start_time', `must be before the campaign's end_time ${describeTime(campaign.end_time)}; got ${describeTime(start)}.`);
    }
  }
  if (end !== null && endChanged && campaign.end_time !== null && end > campaign.end_time) {
    throw invalidField('end_time', `must not be after the campaign's end_time ${describeTime(campaign.end_time)}; got ${describeTime(end)}.`);
  }
}

function checkBudgetAndBid(next: AdGroupRuleFields, currency: string): void {
  const budget = next.budget_in_micro_currency;
  const bid = next.bid_in_micro_currency;
  if (budget === null) {
    throw invalidField(
      'budget_in_micro_currency',
      `is required: Loupe has no campaign budget optimization, so each ad group has its own ${next.budget_type === 'LIFETIME' ? 'lifetime' : 'daily'} budget in micro-currency.`,
    );
  }
  const strategy = next.bid_strategy_type;
  if ((strategy === 'MAX_BID' || strategy === 'TARGET_AVG') && bid === null) {
    throw invalidField('bid_in_micro_currency', `is required when bid_strategy_type is ${strategy} (a bid ${BID_UNIT[next.billable_event]} in micro-currency).`);
  }
  if (strategy === 'AUTOMATIC_BID' && bid !== null) {
    throw invalidField('bid_in_micro_currency', 'must be null when bid_strategy_type is AUTOMATIC_BID (Loupe sets the bid); use MAX_BID to cap the bid yourself.');
  }
  if (bid === null) return;
  if (bid > budget) {
    throw invalidField(
      'bid_in_micro_currency',
      `must not exceed the ad group's ${next.budget_type === 'LIFETIME' ? 'lifetime' : 'daily'} budget (${bid} > ${budget} micros).`,
    );
  }
  if (isReserveCurrency(currency)) {
    const floor = reservePrice({ placement: next.placement_group, billableEvent: next.billable_event, currency });
    if (bid < floor) {
      throw invalidField(
        'bid_in_micro_currency',
        `must be at least the bid floor of ${floor} micros ${currency} ${BID_UNIT[next.billable_event]} for ${next.placement_group} placements; got ${bid} (see POST /v5/ad_accounts/{ad_account_id}/bid_floor).`,
      );
    }
  }
}

function checkFrequencyCaps(next: AdGroupRuleFields): void {
  const lifetime = next.lifetime_frequency_cap ?? null;
  const daily = next.daily_frequency_cap;
  if (lifetime !== null) {
    if (next.billable_event !== 'IMPRESSION') {
      throw invalidField('lifetime_frequency_cap', 'is only available for ad groups billed on IMPRESSION (CPM), as in Pinterest.');
    }
    if (next.end_time === null) {
      throw invalidField('lifetime_frequency_cap', 'requires end_time, as in Pinterest.');
    }
  }
  if (lifetime !== null && daily !== null && daily > lifetime) {
    throw invalidField('daily_frequency_cap', `must not exceed lifetime_frequency_cap (${daily} > ${lifetime}).`);
  }
}
