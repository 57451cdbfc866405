import type { Campaign, ObjectiveType, ObjectStatus, TrackingUrls } from '@loupe/contracts';
import { summaryStatus, toMicros, toUnixSeconds, type AccountObjectKind } from '../common/account-objects';

/** A `campaigns` row as pg returns it (bigint as string, timestamptz as Date). */
export interface CampaignRow {
  id: string;
  ad_account_id: string;
  name: string;
  status: ObjectStatus;
  objective_type: ObjectiveType;
  daily_spend_cap: string | null;
  lifetime_spend_cap: string | null;
  start_time: Date | null;
  end_time: Date | null;
  order_line_id: string | null;
  tracking_urls: TrackingUrls | null;
  is_flexible_daily_budgets: boolean;
  default_ad_group_budget_in_micro_currency: string | null;
  is_automated_campaign: boolean;
  is_campaign_budget_optimization: boolean;
  is_performance_plus: boolean;
  created_at: Date;
  updated_at: Date;
}

/** Pinterest's `CampaignResponse`. */
export function toCampaign(row: CampaignRow): Campaign {
  const startTime = toUnixSeconds(row.start_time);
  const endTime = toUnixSeconds(row.end_time);
  return {
    id: row.id,
    ad_account_id: row.ad_account_id,
    name: row.name,
    status: row.status,
    objective_type: row.objective_type,
    daily_spend_cap: toMicros(row.daily_spend_cap),
    lifetime_spend_cap: toMicros(row.lifetime_spend_cap),
    start_time: startTime,
    end_time: endTime,
    order_line_id: row.order_line_id,
    tracking_urls: row.tracking_urls,
    is_flexible_daily_budgets: row.is_flexible_daily_budgets,
    is_automated_campaign: row.is_automated_campaign,
    is_campaign_budget_optimization: row.is_campaign_budget_optimization,
    is_performance_plus: row.is_performance_plus,
    default_ad_group_budget_in_micro_currency: toMicros(row.default_ad_group_budget_in_micro_currency),
    bid_options: null,
    summary_status: summaryStatus(row.status, startTime, endTime),
    type: 'campaign',
    created_time: toUnixSeconds(row.created_at)!,
    updated_time: toUnixSeconds(row.updated_at)!,
  };
}

/** How campaigns are stored, read and audited (see common/account-objects.ts). */
export const CAMPAIGN: AccountObjectKind<CampaignRow, Campaign> = {
  table: 'campaigns',
  auditType: 'CAMPAIGN',
  label: 'Campaign',
  fields: {
    name: 'plain',
    status: 'plain',
    objective_type: 'plain',
    daily_spend_cap: 'micros',
    lifetime_spend_cap: 'micros',
    start_time: 'time',
    end_time: 'time',
    order_line_id: 'plain',
    tracking_urls: 'json',
    is_flexible_daily_budgets: 'plain',
    is_automated_campaign: 'plain',
    is_performance_plus: 'plain',
    default_ad_group_budget_in_micro_currency: 'micros',
  },
  present: toCampaign,
};
