import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RollupKeyColumn, RollupLevel } from '@loupe/analytics';
import {
  ANALYTICS_LIMITS,
  type AdAccountAnalyticsQuery,
  type AdAnalyticsQuery,
  type AdGroupAnalyticsQuery,
  type AnalyticsRow,
  type CampaignAnalyticsQuery,
} from '@loupe/contracts';
import { InvalidParametersException, MeasureStore, pinterestReport } from '@loupe/server-core';
import { DataSource } from 'typeorm';
import type { AdAccountScope } from '../auth/request-context';
import { addDays, daysBetween } from './local-time';

type AnalyticsQuery = AdAccountAnalyticsQuery;


/**
 * Pinterest's synchronous analytics (GET .../analytics at the account, campaign, ad
 * group and ad levels). Dates are the ad account's local dates, cut in its timezone;
 * figures come from the rollups through MeasureStore and every column from the metrics
 * library's Pinterest catalog.
 */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly store: MeasureStore,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  adAccount(scope: AdAccountScope, query: AdAccountAnalyticsQuery, now = new Date()): Promise<AnalyticsRow[]> {
    return this.report(scope, 'ad_account', query, {}, false, now);
  }

  campaigns(scope: AdAccountScope, query: CampaignAnalyticsQuery, now = new Date()): Promise<AnalyticsRow[]> {
    return this.report(scope, 'campaign', query, { campaign_id: query.campaign_ids }, query.aggregate_report_rows, now);
  }

  adGroups(scope: AdAccountScope, query: AdGroupAnalyticsQuery, now = new Date()): Promise<AnalyticsRow[]> {
    return this.report(scope, 'ad_group', query, { ad_group_id: query.ad_group_ids }, query.aggregate_report_rows, now);
  }

  async ads(scope: AdAccountScope, query: AdAnalyticsQuery, now = new Date()): Promise<AnalyticsRow[]> {
    if (!query.ad_ids && !query.campaign_ids && !query.pin_ids) {
      throw new InvalidParametersException("Invalid parameters. Send at least one of 'ad_ids', 'campaign_ids' or 'pin_ids'.");
    }
    let adIds = query.ad_ids;
    if (query.pin_ids) {
      // A pin can be promoted by several ads; its analytics are those ads' analytics.
      const rows = await this.dataSource.query<{ id: string }[]>(`SELECT id::text AS id FROM ads WHERE ad_account_id = $1 AND pin_id = ANY($2::bigint[])`, [
        scope.id,
        query.pin_ids,
      ]);
      const ofPins = rows.map((r) => r.id);
      adIds = adIds ? adIds.filter((id) => ofPins.includes(id)) : ofPins;
      if (adIds.length === 0) return [];
    }
    return this.report(scope, 'ad', query, { ad_id: adIds, campaign_id: query.campaign_ids }, false, now);
  }

  private async report(
    scope: AdAccountScope,
    level: RollupLevel,
    query: AnalyticsQuery,
    filter: Partial<Record<RollupKeyColumn, readonly string[] | undefined>>,
    aggregateRows: boolean,
    now: Date,
  ): Promise<AnalyticsRow[]> {
    checkRange(query, now);
    const rows = await pinterestReport(this.store, scope, {
      level,
      startDate: query.start_date,
      endDate: query.end_date,
      granularity: query.granularity,
      columns: query.columns,
      filter,
      aggregateRows,
      clickWindowDays: query.click_window_days,
      viewWindowDays: query.view_window_days,
      reportTime: query.conversion_report_time,
    });
    return rows as AnalyticsRow[];
  }
}

/** Pinterest's limits on synchronous analytics, with messages that say what to send instead. */
function checkRange(query: AnalyticsQuery, now: Date): void {
  if (query.end_date < query.start_date) {
    throw new InvalidParametersException(`Invalid parameters. end_date (${query.end_date}) must not be before start_date (${query.start_date}).`);
  }
  const today = now.toISOString().slice(0, 10);
  if (query.granularity === 'HOUR') {
    const earliest = addDays(today, -ANALYTICS_LIMITS.hourMaxDaysBack);
    if (query.start_date < earliest) {
      throw new InvalidParametersException(
        `Invalid parameters. With granularity HOUR, start_date can be at most ${ANALYTICS_LIMITS.hourMaxDaysBack} days before today (${earliest} or later); use DAY for older data.`,
      );
    }
    return;
  }
  const earliest = addDays(today, -ANALYTICS_LIMITS.maxDaysBack);
  if (query.start_date < earliest) {
    throw new InvalidParametersException(
      `Invalid parameters. start_date can be at most ${ANALYTICS_LIMITS.maxDaysBack} days before today (${earliest} or later); use an async report (POST /v5/ad_accounts/{ad_account_id}/reports) for older data.`,
    );
  }
  const span = daysBetween(query.start_date, query.end_date) + 1;
  if (span > ANALYTICS_LIMITS.maxRangeDays) {
    throw new InvalidParametersException(
      `Invalid parameters. The date range covers ${span} days; at most ${ANALYTICS_LIMITS.maxRangeDays} days per request.`,
    );
  }
}
