import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  addDays,
  hasLocalDayRollups,
  lit,
  localDateOf,
  missingDailyRollupDaysSql,
  recomputeRollupHour,
  recomputeRollupRange,
  rollupLocalDayStatements,
  sql,
  tableRef,
} from '@loupe/analytics';
import { CLICKHOUSE, DatabaseConnector, LOUPE_CONFIG, type ClickHouseExecutor, type LoupeConfig } from '@loupe/server-core';
import { DataSource } from 'typeorm';
import { SpendLedgerService } from './spend-ledger.service';

export interface RollupHourResult {
  /** Hours whose rollups and ledger rows were rewritten (the job's hour first). */
  hours: number[];
  /** UTC days (unix seconds) whose daily rollups were rebuilt. */
  days: number[];
  conversions: number;
  ledgerRows: number;
  version: number;
  /** Local dates (YYYY-MM-DD) rebuilt in the account's timezone (none for UTC-like or half-hour zones). */
  localDates: string[];
}

export interface LocalDaysResult {
  adAccountId: string;
  timezone: string;
  /** Local dates rebuilt (first and count), none when the account has no rollups or its zone keeps no local days. */
  firstDate: string | null;
  days: number;
  /** Whether ad_accounts.local_rollups_timezone was set (false: the account changed meanwhile; the next run redoes it). */
  marked: boolean;
}

/** Local days rebuilt per statement by rebuildLocalDays (one statement per level per chunk). */
export const LOCAL_DAYS_CHUNK = 31;

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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly db: DatabaseConnector,
  ) {}

  /**
   * The account's timezone, read when the rollup library asks (after the hourly rows are
   * written: AccountTimezone); null for an account Postgres does not know.
   */
  private timezoneOf(adAccountId: string): () => Promise<string | null> {
    return async () => {
      await this.db.ensureConnected();
      const rows = await this.dataSource.query<{ timezone: string }[]>(`SELECT timezone FROM ad_accounts WHERE id = $1::bigint`, [adAccountId]);
      return rows[0]?.timezone ?? null;
    };
  }

  async recomputeHour(adAccountId: string, hour: number): Promise<RollupHourResult> {
    // Taken before anything is read: a run that started later saw at least as much and must win.
    const version = Date.now();
    const result = await recomputeRollupHour(this.clickhouse, {
      database: this.config.clickhouse.database,
      adAccountId,
      hour,
      version,
      timezone: this.timezoneOf(adAccountId),
    });
    let ledgerRows = 0;
    for (const h of result.hours) ledgerRows += await this.ledger.writeHour(adAccountId, h);
    return { hours: result.hours, days: result.days, conversions: result.attribution.conversions, ledgerRows, version, localDates: result.localDates };
  }

  /**
   * Recomputes `hours` hours from `fromHour` as one range (recomputeRollupRange: the same
   * figures as hour by hour), then the ledger of the range and of any other hour rewritten.
   */
  async recomputeRange(adAccountId: string, fromHour: number, hours: number): Promise<RollupHourResult> {
    const version = Date.now();
    const toHour = fromHour + hours * 3600;
    const result = await recomputeRollupRange(this.clickhouse, {
      database: this.config.clickhouse.database,
      adAccountId,
      fromHour,
      toHour,
      version,
      timezone: this.timezoneOf(adAccountId),
    });
    let ledgerRows = await this.ledger.writeRange(adAccountId, fromHour, toHour);
    for (const h of result.hourlyHours) if (h < fromHour || h >= toHour) ledgerRows += await this.ledger.writeHour(adAccountId, h);
    const all = [...new Set([...result.bulkHours, ...result.hourlyHours])].sort((a, b) => a - b);
    return { hours: all, days: result.days, conversions: 0, ledgerRows, version, localDates: result.localDates };
  }

  /** Accounts whose local-day rollups are not known complete in their timezone (local_rollups_timezone differs), oldest change first. */
  async accountsWithoutLocalDays(limit = 100): Promise<string[]> {
    await this.db.ensureConnected();
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM ad_accounts WHERE local_rollups_timezone IS DISTINCT FROM timezone ORDER BY updated_at, id LIMIT $1`,
      [limit],
    );
    return rows.map((row) => String(row.id));
  }

  /**
   * Rebuilds an account's local-day rollups over its whole history in its current
   * timezone, LOCAL_DAYS_CHUNK dates per statement, then records the zone as complete —
   * only if the account was not changed meanwhile (its updated_at is the one read first).
   * Rollup jobs running meanwhile build their own local days in that zone (they read the
   * zone after writing their hours), so nothing written during the rebuild is missed.
   */
  async rebuildLocalDays(adAccountId: string): Promise<LocalDaysResult | null> {
    await this.db.ensureConnected();
    // updated_at as text: a JS Date would drop its microseconds and never compare equal.
    const [account] = await this.dataSource.query<{ timezone: string; updated_at: string }[]>(
      `SELECT timezone, updated_at::text AS updated_at FROM ad_accounts WHERE id = $1::bigint`,
      [adAccountId],
    );
    if (!account) return null;
    const { timezone } = account;
    let firstDate: string | null = null;
    let days = 0;
    if (hasLocalDayRollups(timezone)) {
      const database = this.config.clickhouse.database;
      const [span] = await this.clickhouse.query<{ n: number | string; first: number | string; last: number | string }>(sql`
        SELECT count() AS n, toUInt32(min(hour)) AS first, toUInt32(max(hour)) AS last
        FROM ${tableRef(database, 'rollup_ad_account_hourly')} WHERE ad_account_id = ${lit.int(adAccountId, 'UInt64')}`);
      if (span && Number(span.n) > 0) {
        firstDate = localDateOf(Number(span.first), timezone);
        const lastDate = localDateOf(Number(span.last), timezone);
        for (let date = firstDate; date <= lastDate; date = addDays(date, LOCAL_DAYS_CHUNK)) {
          const chunk = Math.min(LOCAL_DAYS_CHUNK, Math.round((Date.parse(lastDate) - Date.parse(date)) / 86_400_000) + 1);
          await Promise.all(rollupLocalDayStatements({ database, adAccountId, timezone, firstDate: date, days: chunk }).map((statement) => this.clickhouse.command(statement)));
          days += chunk;
        }
      }
    }
    return { adAccountId, timezone, firstDate, days, marked: await this.markLocalDays(adAccountId, timezone, account.updated_at) };
  }

  /**
   * Records `timezone` as the account's complete local-day zone, unless the account changed
   * since `updatedAt` (its updated_at as text, read before the rebuild) or is in another zone.
   */
  async markLocalDays(adAccountId: string, timezone: string, updatedAt: string): Promise<boolean> {
    await this.db.ensureConnected();
    const marked = await this.dataSource.query<{ id: string }[]>(
      `WITH marked AS (
         UPDATE ad_accounts SET local_rollups_timezone = timezone WHERE id = $1::bigint AND timezone = $2 AND updated_at::text = $3 RETURNING id
       ) SELECT id FROM marked`,
      [adAccountId, timezone, updatedAt],
    );
    return marked.length > 0;
  }

  /** The (ad account, UTC day)s with hourly rollups but no daily row (missingDailyRollupDaysSql). */
  async missingDays(): Promise<{ ad_account_id: string; day: number }[]> {
    const rows = await this.clickhouse.query<{ ad_account_id: string; day: number | string }>(missingDailyRollupDaysSql(this.config.clickhouse.database));
    return rows.map((row) => ({ ad_account_id: row.ad_account_id, day: Number(row.day) }));
  }
}
