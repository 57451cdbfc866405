import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { lit, sql, tableRef } from '@loupe/analytics';
import { reconciliationJobSchema, type ReconciliationJob } from '@loupe/contracts';
import { CLICKHOUSE, DatabaseConnector, LOUPE_CONFIG, type ClickHouseExecutor, type LoupeConfig } from '@loupe/server-core';
import { DataSource } from 'typeorm';

const HOUR = 3600;
const DAY = 86_400;

interface DayFigures {
  spend_micros: string;
  billed_impressions: string;
  billed_clicks: string;
}

interface DayRow extends DayFigures {
  ad_account_id: string;
  day: string;
}

export interface ReconciliationDifference {
  ad_account_id: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  ledger: DayFigures;
  rollup: DayFigures;
}

export interface ReconciliationReport {
  runId: string;
  fromHour: number;
  toHour: number;
  accountDaysChecked: number;
  differences: ReconciliationDifference[];
}

const ZERO: DayFigures = { spend_micros: '0', billed_impressions: '0', billed_clicks: '0' };

/**
 * Compares the Postgres spend ledger with the ClickHouse ad-account rollups
 * (spend, billed impressions, billed clicks) per ad account and UTC day, and
 * records the run and every difference in reconciliation_runs /
 * reconciliation_differences (and logs a warning when there is one). A day
 * present on one side only is compared against zeros.
 */
@Injectable()
export class ReconciliationService {
  private readonly logger = new Logger('Reconciliation');

  constructor(
    @Inject(CLICKHOUSE) private readonly clickhouse: ClickHouseExecutor,
    @Inject(LOUPE_CONFIG) private readonly config: LoupeConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly db: DatabaseConnector,
  ) {}

  async run(request: ReconciliationJob, now: Date = new Date()): Promise<ReconciliationReport> {
    const job = reconciliationJobSchema.parse(request);
    const startedAt = new Date();
    const toHour = Math.floor((job.until ?? now.getTime() / 1000) / HOUR) * HOUR;
    const fromHour = Math.floor(toHour / DAY) * DAY - (job.lookback_days - 1) * DAY;
    const accountFilter = job.ad_account_id === undefined ? sql`` : sql`AND ad_account_id = ${lit.int(job.ad_account_id, 'UInt64')}`;

    const rollup = await this.clickhouse.query<DayRow>(sql`
      SELECT ad_account_id, toString(toDate(hour)) AS day,
        toString(sum(spend_micros)) AS spend_micros,
        toString(sum(billed_impressions)) AS billed_impressions,
        toString(sum(billed_clicks)) AS billed_clicks
      FROM ${tableRef(this.config.clickhouse.database, 'rollup_ad_account_hourly')} FINAL
      WHERE hour >= ${lit.dateTime(fromHour)} AND hour < ${lit.dateTime(toHour)} ${accountFilter}
      GROUP BY ad_account_id, day`);

    await this.db.ensureConnected();
    const ledger = (await this.dataSource.query(
      `SELECT ad_account_id::text AS ad_account_id, to_char((hour AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day,
              sum(spend_micros)::text AS spend_micros, sum(billed_impressions)::text AS billed_impressions,
              sum(billed_clicks)::text AS billed_clicks
       FROM spend_ledger
       WHERE hour >= to_timestamp($1) AND hour < to_timestamp($2) AND ($3::bigint IS NULL OR ad_account_id = $3::bigint)
       GROUP BY 1, 2`,
      [fromHour, toHour, job.ad_account_id ?? null],
    )) as DayRow[];

    const key = (row: DayRow): string => `${row.ad_account_id}|${row.day}`;
    const byKey = new Map<string, { ad_account_id: string; day: string; ledger: DayFigures; rollup: DayFigures }>();
    const entry = (row: DayRow) => {
      const existing = byKey.get(key(row)) ?? { ad_account_id: row.ad_account_id, day: row.day, ledger: ZERO, rollup: ZERO };
      byKey.set(key(row), existing);
      return existing;
    };
    const figures = (row: DayRow): DayFigures => ({
      spend_micros: row.spend_micros,
      billed_impressions: row.billed_impressions,
      billed_clicks: row.billed_clicks,
    });
    for (const row of rollup) entry(row).rollup = figures(row);
    for (const row of ledger) entry(row).ledger = figures(row);
    const differences = [...byKey.values()]
      .filter(
        ({ ledger: l, rollup: r }) =>
          BigInt(l.spend_micros) !== BigInt(r.spend_micros) ||
          BigInt(l.billed_impressions) !== BigInt(r.billed_impressions) ||
          BigInt(l.billed_clicks) !== BigInt(r.billed_clicks),
      )
      .sort((a, b) => a.ad_account_id.localeCompare(b.ad_account_id) || a.day.localeCompare(b.day));

    const runId = await this.dataSource.transaction(async (manager) => {
      const [run] = (await manager.query(
        `INSERT INTO reconciliation_runs (started_at, finished_at, from_hour, to_hour, ad_account_id, account_days_checked, differences)
         VALUES ($1, now(), to_timestamp($2), to_timestamp($3), $4, $5, $6) RETURNING id::text AS id`,
        [startedAt, fromHour, toHour, job.ad_account_id ?? null, byKey.size, differences.length],
      )) as { id: string }[];
      for (const d of differences) {
        await manager.query(
          `INSERT INTO reconciliation_differences
             (run_id, ad_account_id, day, ledger_spend_micros, rollup_spend_micros, ledger_billed_impressions,
              rollup_billed_impressions, ledger_billed_clicks, rollup_billed_clicks)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            run.id,
            d.ad_account_id,
            d.day,
            d.ledger.spend_micros,
            d.rollup.spend_micros,
            d.ledger.billed_impressions,
            d.rollup.billed_impressions,
            d.ledger.billed_clicks,
            d.rollup.billed_clicks,
          ],
        );
      }
      return run.id;
    });

    if (differences.length > 0) {
      this.logger.warn({ runId, differences }, `spend ledger differs from the ClickHouse rollups on ${differences.length} account-day(s)`);
    }
    return { runId, fromHour, toHour, accountDaysChecked: byKey.size, differences };
  }
}
