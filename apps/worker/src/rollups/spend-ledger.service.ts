import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { lit, sql, tableRef } from '@loupe/analytics';
import { CLICKHOUSE, DatabaseConnector, LOUPE_CONFIG, type ClickHouseExecutor, type LoupeConfig } from '@loupe/server-core';
import { DataSource } from 'typeorm';

interface AdGroupHourRow {
  h: string;
  campaign_id: string;
  ad_group_id: string;
  spend_micros: string;
  billed_impressions: string;
  billed_clicks: string;
  version: string;
}

/**
 * Writes the Postgres spend ledger (finance's system of record) from the
 * ClickHouse ad-group rollup of one hour: the same figures, as absolute values,
 * upserted. Each row carries the rollup version it came from and an upsert
 * never replaces newer figures with older ones, so concurrent or repeated
 * writes settle on what ClickHouse FINAL shows: ledger = rollup to the micro.
 */
@Injectable()
export class SpendLedgerService {
  constructor(
    @Inject(CLICKHOUSE) private readonly clickhouse: ClickHouseExecutor,
    @Inject(LOUPE_CONFIG) private readonly config: LoupeConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly db: DatabaseConnector,
  ) {}

  /** Copies one (ad account, UTC hour) of ad-group spend into the ledger; returns the rows written. */
  async writeHour(adAccountId: string, hour: number): Promise<number> {
    return this.writeRange(adAccountId, hour, hour + 3600);
  }

  /** Copies the ad-group spend of the UTC hours in [fromHour, toHour) into the ledger; returns the rows written. */
  async writeRange(adAccountId: string, fromHour: number, toHour: number): Promise<number> {
    // Read back rather than reuse what this run computed: if a newer run already
    // replaced the hour, its figures (and version) are the ones to mirror.
    const rows = await this.clickhouse.query<AdGroupHourRow>(sql`
      SELECT toUInt32(hour) AS h, campaign_id, ad_group_id, spend_micros, billed_impressions, billed_clicks, version
      FROM ${tableRef(this.config.clickhouse.database, 'rollup_ad_group_hourly')} FINAL
      WHERE ad_account_id = ${lit.int(adAccountId, 'UInt64')} AND hour >= ${lit.dateTime(fromHour)} AND hour < ${lit.dateTime(toHour)}`);
    if (rows.length === 0) return 0;
    await this.db.ensureConnected();
    const column = <K extends keyof AdGroupHourRow>(key: K): string[] => rows.map((row) => row[key]);
    await this.dataSource.query(
      `INSERT INTO spend_ledger
         (ad_account_id, campaign_id, ad_group_id, hour, spend_micros, billed_impressions, billed_clicks, currency, version, updated_at)
       SELECT $1::bigint, r.campaign_id, r.ad_group_id, to_timestamp(r.h), r.spend_micros, r.billed_impressions, r.billed_clicks,
              coalesce((SELECT currency FROM ad_accounts WHERE id = $1::bigint), ''), r.version, now()
       FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
         AS r(h, campaign_id, ad_group_id, spend_micros, billed_impressions, billed_clicks, version)
       ON CONFLICT (ad_account_id, ad_group_id, hour) DO UPDATE SET
         campaign_id = EXCLUDED.campaign_id,
         spend_micros = EXCLUDED.spend_micros,
         billed_impressions = EXCLUDED.billed_impressions,
         billed_clicks = EXCLUDED.billed_clicks,
         currency = EXCLUDED.currency,
         version = EXCLUDED.version,
         updated_at = now()
       WHERE spend_ledger.version <= EXCLUDED.version`,
      [
        adAccountId,
        column('h'),
        column('campaign_id'),
        column('ad_group_id'),
        column('spend_micros'),
        column('billed_impressions'),
        column('billed_clicks'),
        column('version'),
      ],
    );
    return rows.length;
  }
}
