import { Controller, Get, Query } from '@nestjs/common';
import {
  adAccountAnalyticsQuerySchema,
  adAccountIdParamSchema,
  adAnalyticsQuerySchema,
  adGroupAnalyticsQuerySchema,
  analyticsResponseSchema,
  campaignAnalyticsQuerySchema,
  type AdAccountAnalyticsQuery,
  type AdAnalyticsQuery,
  type AdGroupAnalyticsQuery,
  type AnalyticsRow,
  type CampaignAnalyticsQuery,
} from '@loupe/contracts';
import { CurrentAdAccount, type AdAccountScope } from '../auth/request-context';
import { adAccount, Route } from '../common/route.decorator';
import { AnalyticsService } from './analytics.service';

const COMMON =
  'Dates are the ad account\'s local dates (cut in its timezone); money columns are in its currency. Conversions use `click_window_days` / `view_window_days` ' +
  '(defaults 30 / 1) and `conversion_report_time` (default TIME_OF_AD_ACTION); `engagement_window_days` is accepted and not used (Loupe attributes to clicks and views). ' +
  'Ratios are ratios of sums, null when the denominator is 0. With granularity HOUR each row has `DATE` and `HOUR` (local hour 0–23). ' +
  'Limits: start_date at most 90 days back (8 days for HOUR), at most 90 days per request.';

@Controller('v5/ad_accounts/:ad_account_id')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('analytics')
  @Route({
    summary: 'Get ad account analytics',
    description: `${COMMON} TOTAL always answers one row, zeros included.`,
    tag: 'ad_accounts',
    access: adAccount('analytics:read'),
    rate: 'read',
    params: adAccountIdParamSchema,
    query: adAccountAnalyticsQuerySchema,
    response: analyticsResponseSchema,
  })
  adAccount(@CurrentAdAccount() scope: AdAccountScope, @Query() query: AdAccountAnalyticsQuery): Promise<AnalyticsRow[]> {
    return this.analytics.adAccount(scope, query);
  }

  @Get('campaigns/analytics')
  @Route({
    summary: 'Get campaign analytics',
    description: `${COMMON} Rows only for campaigns and periods with data; \`aggregate_report_rows=true\` sums the campaigns into one row per period (TOTAL_IMPRESSION_USER is then null: reach does not add up).`,
    tag: 'campaigns',
    access: adAccount('analytics:read'),
    rate: 'read',
    params: adAccountIdParamSchema,
    query: campaignAnalyticsQuerySchema,
    response: analyticsResponseSchema,
  })
  campaigns(@CurrentAdAccount() scope: AdAccountScope, @Query() query: CampaignAnalyticsQuery): Promise<AnalyticsRow[]> {
    return this.analytics.campaigns(scope, query);
  }

  @Get('ad_groups/analytics')
  @Route({
    summary: 'Get ad group analytics',
    description: `${COMMON} Rows only for ad groups and periods with data; \`aggregate_report_rows=true\` sums them into one row per period.`,
    tag: 'ad_groups',
    access: adAccount('analytics:read'),
    rate: 'read',
    params: adAccountIdParamSchema,
    query: adGroupAnalyticsQuerySchema,
    response: analyticsResponseSchema,
  })
  adGroups(@CurrentAdAccount() scope: AdAccountScope, @Query() query: AdGroupAnalyticsQuery): Promise<AnalyticsRow[]> {
    return this.analytics.adGroups(scope, query);
  }

  @Get('ads/analytics')
  @Route({
    summary: 'Get ad analytics',
    description: `${COMMON} Filter by \`ad_ids\`, \`campaign_ids\` and/or \`pin_ids\` (at least one). Rows only for ads and periods with data.`,
    tag: 'ads',
    access: adAccount('analytics:read'),
    rate: 'read',
    params: adAccountIdParamSchema,
    query: adAnalyticsQuerySchema,
    response: analyticsResponseSchema,
  })
  ads(@CurrentAdAccount() scope: AdAccountScope, @Query() query: AdAnalyticsQuery): Promise<AnalyticsRow[]> {
    return this.analytics.ads(scope, query);
  }
}
