import { insertEvents, lit, recomputeRollupHour, sql, tableRef, type RawEvent } from '@loupe/analytics';
import { CLICKHOUSE, LOUPE_CONFIG, type ClickHouseExecutor, type LoupeConfig } from '@loupe/server-core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { rollupTimezone } from './rollup-timezone';

/**
 * Loads events as the pipeline would: insert, recompute the rollups of every hour
 * they touch, then write those hours' spend-ledger rows exactly as the worker's
 * SpendLedgerService does (the same read of rollup_ad_group_hourly FINAL and the same
 * versioned upsert), so ledger = rollup to the micro in the tests too.
 */
export async function loadEventsAndLedger(app: NestFastifyApplication, adAccountId: string, events: readonly RawEvent[]): Promise<void> {
  const clickhouse = app.get<ClickHouseExecutor>(CLICKHOUSE);
  const { database } = app.get<LoupeConfig>(LOUPE_CONFIG).clickhouse;
  await insertEvents(clickhouse, database, events);
  const touched = new Set<number>();
  for (const hour of [...new Set(events.map((e) => Math.floor(Date.parse(e.at) / 3_600_000) * 3600))]) {
    const result = await recomputeRollupHour(clickhouse, { database, adAccountId, hour, version: Date.now(), timezone: rollupTimezone(app, adAccountId) });
    for (const h of result.hours) touched.add(h);
  }
  for (const hour of touched) await writeLedgerHour(app, adAccountId, hour);
}

/** Mirror of apps/worker/src/rollups/spend-ledger.service.ts `writeHour`. */
async function writeLedgerHour(app: NestFastifyApplication, adAccountId: string, hour: number): Promise<void> {
  const clickhouse = app.get<ClickHouseExecutor>(CLICKHOUSE);
  const { database } = app.get<LoupeConfig>(LOUPE_CONFIG).clickhouse;
  const rows = await clickhouse.query<Record<'campaign_id' | 'ad_group_id' | 'spend_micros' | 'billed_impressions' | 'billed_clicks' | 'version', string>>(sql`
    SELECT campaign_id, ad_group_id, spend_micros, billed_impressions, billed_clicks, version
    FROM ${tableRef(database, 'rollup_ad_group_hourly')} FINAL
    WHERE ad_account_id = ${lit.int(adAccountId, 'UInt64')} AND hour = ${lit.dateTime(hour)}`);
  if (rows.length === 0) return;
  const column = (key: keyof (typeof rows)[number]): string[] => rows.map((row) => row[key]);
  await app.get(DataSource).query(
    `INSERT INTO spend_ledger
       (ad_account_id, campaign_id, ad_group_id, hour, spend_micros, billed_impressions, billed_clicks, currency, version, updated_at)
     SELECT $1::bigint, r.campaign_id, r.ad_group_id, to_timestamp($2), r.spend_micros, r.billed_impressions, r.billed_clicks,
            coalesce((SELECT currency FROM ad_accounts WHERE id = $1::bigint), ''), r.version, now()
     FROM unnest($3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
       AS r(campaign_id, ad_group_id, spend_micros, billed_impressions, billed_clicks, version)
     ON CONFLICT (ad_account_id, ad_group_id, hour) DO UPDATE SET
       campaign_id = EXCLUDED.campaign_id, spend_micros = EXCLUDED.spend_micros, billed_impressions = EXCLUDED.billed_impressions,
       billed_clicks = EXCLUDED.billed_clicks, currency = EXCLUDED.currency, version = EXCLUDED.version, updated_at = now()
     WHERE spend_ledger.version <= EXCLUDED.version`,
    [adAccountId, hour, column('campaign_id'), column('ad_group_id'), column('spend_micros'), column('billed_impressions'), column('billed_clicks'), column('version')],
  );
}
