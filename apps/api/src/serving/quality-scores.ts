import { Inject, Injectable } from '@nestjs/common';
import { lit, sql, tableRef } from '@loupe/analytics';
import { DEFAULT_CTR_PRIOR, predictCtr } from '@loupe/auction';
import { CLICKHOUSE, LOUPE_CONFIG, type ClickHouseExecutor, type LoupeConfig } from '@loupe/server-core';

/** Days of history behind a quality score. */
export const QUALITY_WINDOW_DAYS = 30;

/**
 * Per-ad predicted click-through rates (the quality score of CLICKTHROUGH ad groups,
 * DESIGN.md §4), refreshed in the background from ClickHouse — never on the request
 * path. Clicks and impressions of the last 30 days, invalid traffic excluded, distinct
 * event ids (the events table collapses duplicates only on merge), smoothed with
 * libs/auction's documented prior (1% worth 1,000 impressions): an ad without data
 * scores exactly the prior.
 */
@Injectable()
export class QualityScores {
  private scores = new Map<string, number>();
  /** Bumped whenever the scores change (what the serve path ranked by is then stale). */
  version = 0;
  readonly prior = predictCtr(0, 0, DEFAULT_CTR_PRIOR);

  constructor(
    @Inject(CLICKHOUSE) private readonly clickhouse: ClickHouseExecutor,
    @Inject(LOUPE_CONFIG) private readonly config: LoupeConfig,
  ) {}

  ctr(adId: string): number {
    return this.scores.get(adId) ?? this.prior;
  }

  async refresh(nowMs = Date.now()): Promise<void> {
    const since = new Date(nowMs - QUALITY_WINDOW_DAYS * 86_400_000).toISOString().slice(0, 10);
    const rows = await this.clickhouse.query<{ ad_id: string; impressions: string | number; clicks: string | number }>(sql`
      SELECT toString(ad_id) AS ad_id,
             uniqExactIf(event_id, event_type = 'IMPRESSION') AS impressions,
             uniqExactIf(event_id, event_type = 'CLICK') AS clicks
        FROM ${tableRef(this.config.clickhouse.database, 'events')}
       WHERE ivt = 0 AND event_date >= ${lit.date(since)} AND event_type IN ('IMPRESSION', 'CLICK')
       GROUP BY ad_id`);
    const scores = new Map<string, number>();
    for (const row of rows) scores.set(row.ad_id, predictCtr(Number(row.clicks), Number(row.impressions)));
    this.scores = scores;
    this.version++;
  }
}
