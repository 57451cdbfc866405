import { Inject, Injectable } from '@nestjs/common';
import { missingDailyRollupDaysSql, recomputeRollupHour, recomputeRollupRange } from '@loupe/analytics';
import { CLICKHOUSE, LOUPE_CONFIG, type ClickHouseExecutor, type LoupeConfig } from '@loupe/server-core';
import { SpendLedgerService } from './spend-ledger.service';

export interface RollupHourResult {
  /** Hours whose rollups and ledger rows were rewritten (the job's hour first). */
  hours: number[];
  /** UTC days (unix seconds) whose daily rollups were rebuilt. */
  days: number[];
  conversions: number;
  ledgerRows: number;
  version: number;
}

/**
 * Recomputes one (ad account, UTC hour): attribution of its conversions, the
 * ClickHouse rollups of the hour and of its conversions' ad-action hours, then
 * the spend ledger rows of those hours. Every step writes absolute figures
 * under one version, so the whole job is safe to run twice or concurrently.
 */
@Injectable()
export class RollupService {
  constructor(
    @Inject(CLICKHOUSE) private readonly clickhouse: ClickHouseExecutor,
    @Inject(LOUPE_CONFIG) private readonly config: LoupeConfig,
    private readonly ledger: SpendLedgerService,
  ) {}

  async recomputeHour(adAccountId: string, hour: number): Promise<RollupHourResult> {
    // Taken before anything is read: a run that started later saw at least as much and must win.
    const version = Date.now();
    const result = await recomputeRollupHour(this.clickhouse, { database: this.config.clickhouse.database, adAccountId, hour, version });
    let ledgerRows = 0;
    for (const h of result.hours) ledgerRows += await this.ledger.writeHour(adAccountId, h);
    return { hours: result.hours, days: result.days, conversions: result.attribution.conversions, ledgerRows, version };
  }

  /**
   * Recomputes `hours` hours from `fromHour` as one range (recomputeRollupRange: the same
   * figures as hour by hour), then the ledger of the range and of any other hour rewritten.
   */
  async recomputeRange(adAccountId: string, fromHour: number, hours: number): Promise<RollupHourResult> {
    const version = Date.now();
    const toHour = fromHour + hours * 3600;
    const result = await recomputeRollupRange(this.clickhouse, { database: this.config.clickhouse.database, adAccountId, fromHour, toHour, version });
    let ledgerRows = await this.ledger.writeRange(adAccountId, fromHour, toHour);
    for (const h of result.hourlyHours) if (h < fromHour || h >= toHour) ledgerRows += await this.ledger.writeHour(adAccountId, h);
    const all = [...new Set([...result.bulkHours, ...result.hourlyHours])].sort((a, b) => a - b);
    return { hours: all, days: result.days, conversions: 0, ledgerRows, version };
  }

  /** The (ad account, UTC day)s with hourly rollups but no daily row (missingDailyRollupDaysSql). */
  async missingDays(): Promise<{ ad_account_id: string; day: number }[]> {
    const rows = await this.clickhouse.query<{ ad_account_id: string; day: number | string }>(missingDailyRollupDaysSql(this.config.clickhouse.database));
    return rows.map((row) => ({ ad_account_id: row.ad_account_id, day: Number(row.day) }));
  }
}
