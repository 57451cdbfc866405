import {
  interestName,
  type AdGroup,
  type BidStrategyType,
  type BillableEvent,
  type BudgetType,
  type ObjectStatus,
  type OptimizationGoalMetadata,
  type PacingDeliveryType,
  type PlacementGroup,
  type TargetingSpec,
  type TrackingUrls,
} from '@loupe/contracts';
import { summaryStatus, toMicros, toUnixSeconds, type AccountObjectKind } from '../common/account-objects';

/** An `ad_groups` row as pg returns it (bigint as string, timestamptz as Date). */
export interface AdGroupRow {
  id: string;
  ad_account_id: string;
  campaign_id: string;
  name: string;
  status: ObjectStatus;
  budget_in_micro_currency: string | null;
  bid_in_micro_currency: string | null;
  budget_type: BudgetType;
  start_time: Date | null;
  end_time: Date | null;
  targeting_spec: TargetingSpec;
  lifetime_frequency_cap: number | null;
  daily_frequency_cap: number | null;
  tracking_urls: TrackingUrls | null;
  auto_targeting_enabled: boolean;
  placement_group: PlacementGroup;
  pacing_delivery_type: PacingDeliveryType;
  billable_event: BillableEvent;
  bid_strategy_type: BidStrategyType | null;
  optimization_goal_metadata: OptimizationGoalMetadata | null;
  is_creative_optimization: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface PresentOptions {
  /** Pinterest's `translate_interests_to_names`: INTEREST values as names instead of ids. */
  interestNames?: boolean;
}

/** Pinterest's `AdGroupResponse`. */
export function toAdGroup(row: AdGroupRow, options: PresentOptions = {}): AdGroup {
  const startTime = toUnixSeconds(row.start_time);
  const endTime = toUnixSeconds(row.end_time);
  const targeting = row.targeting_spec;
  return {
    id: row.id,
    ad_account_id: row.ad_account_id,
    campaign_id: row.campaign_id,
    name: row.name,
    status: row.status,
    budget_in_micro_currency: toMicros(row.budget_in_micro_currency),
    bid_in_micro_currency: toMicros(row.bid_in_micro_currency),
    bid_strategy_type: row.bid_strategy_type,
    budget_type: row.budget_type,
    billable_event: row.billable_event,
    start_time: startTime,
    end_time: endTime,
    targeting_spec: options.interestNames && targeting.INTEREST ? { ...targeting, INTEREST: targeting.INTEREST.map(interestName) } : targeting,
    // Pinterest's schema allows no null in these two: "none" is no field.
    ...(row.lifetime_frequency_cap === null ? {} : { lifetime_frequency_cap: row.lifetime_frequency_cap }),
    daily_frequency_cap: row.daily_frequency_cap,
    tracking_urls: row.tracking_urls,
    auto_targeting_enabled: row.auto_targeting_enabled,
    placement_group: row.placement_group,
    pacing_delivery_type: row.pacing_delivery_type,
    ...(row.optimization_goal_metadata === null ? {} : { optimization_goal_metadata: row.optimization_goal_metadata }),
    is_creative_optimization: row.is_creative_optimization,
    promotion_id: null,
    promotion_application_level: null,
    targeting_template_ids: null,
    bid_multiplier: null,
    conversion_learning_mode_type: null,
    summary_status: summaryStatus(row.status, startTime, endTime),
    type: 'adgroup',
    created_time: toUnixSeconds(row.created_at)!,
    updated_time: toUnixSeconds(row.updated_at)!,
  };
}

/** How ad groups are stored, read and audited (see common/account-objects.ts). */
export const AD_GROUP: AccountObjectKind<AdGroupRow, AdGroup> = {
  table: 'ad_groups',
  auditType: 'AD_GROUP',
  label: 'Ad group',
  fields: {
    campaign_id: 'plain',
    name: 'plain',
    status: 'plain',
    budget_in_micro_currency: 'micros',
    bid_in_micro_currency: 'micros',
    bid_strategy_type: 'plain',
    budget_type: 'plain',
    billable_event: 'plain',
    start_time: 'time',
    end_time: 'time',
    targeting_spec: 'json',
    lifetime_frequency_cap: 'plain',
    daily_frequency_cap: 'plain',
    tracking_urls: 'json',
    auto_targeting_enabled: 'plain',
    placement_group: 'plain',
    pacing_delivery_type: 'plain',
    optimization_goal_metadata: 'json',
    is_creative_optimization: 'plain',
  },
  present: (row) => toAdGroup(row),
};
