import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, Logger, NotImplementedException } from '@nestjs/common';
import { CLICKHOUSE, CsvPipeExport, LOUPE_CONFIG, type ClickHouseExecutor, type LoupeConfig } from '@loupe/server-core';
import { BILLABLE_EVENT_COLUMNS, billableEventsSql, type BillableEventsRange } from './billable-events-sql';
import type { FinanceAccount } from './finance.service';

/*
 * GET /v5/ad_accounts/{id}/finance/billable_events (docs/exports.md): every billed
 * event of an ad account over a range of days as CSV — the line items behind the
 * spend figures, for finance to reconcile or audit. It can be tens of millions of
 * rows, so ClickHouse renders the CSV records itself (csvRecordSql: the CSV module's
 * cells, formula neutralisation and quoting as SQL) and Node only pipes the bytes,
 * with back-pressure, hashing them for the trailer (CsvPipeExport).
 */

/**
 * Smaller blocks than the default 65,536 rows: the first bytes leave ClickHouse after
 * one block, so this bounds the time to first byte; throughput is the same.
 */
const STREAM_SETTINGS = { max_block_size: 8192 } as const;

@Injectable()
export class BillableEventsService {
  private readonly logger = new Logger(BillableEventsService.name);

  constructor(
    @Inject(CLICKHOUSE) private readonly clickhouse: ClickHouseExecutor,
    @Inject(LOUPE_CONFIG) private readonly config: LoupeConfig,
  ) {}

  /** The CSV as a byte stream; resolves once ClickHouse has accepted the query and started answering. */
  async csv(account: FinanceAccount, startDate: string, endDate: string, bom: boolean, generatedAt = new Date()): Promise<Readable> {
    if (!this.clickhouse.stream) throw new NotImplementedException('This ClickHouse connection cannot stream exports.');
    const range: BillableEventsRange = { database: this.config.clickhouse.database, adAccountId: account.id, timezone: account.timezone, startDate, endDate };
    const source = await this.clickhouse.stream(billableEventsSql(range), 'TabSeparatedRaw', STREAM_SETTINGS);
    const csv = new CsvPipeExport({
      columns: BILLABLE_EVENT_COLUMNS,
      bom,
      meta: {
        title: 'Loupe billable events',
        account: `${account.name} (${account.id})`,
        period: `${startDate} to ${endDate} (inclusive)`,
        timezone: account.timezone,
        currency: account.currency,
        attributionWindows: 'none (billed impressions, clicks and engagements as charged; no conversions in this file)',
        generatedAt,
        extra: [
          ['rows', 'one per billed event (non-zero price; invalid traffic excluded; re-sent copies collapsed), in ClickHouse sort-key order: UTC day, campaign, ad group, ad, event type, event id'],
          ['times', `DATE and EVENT_TIME in ${account.timezone}`],
        ],
      },
    });
    // pipeline: back-pressure both ways, and the ClickHouse response is destroyed (the query cancelled) if the client goes away.
    pipeline(source, csv).catch((error: unknown) => {
      this.logger.warn(`billable events export of ad account ${account.id} stopped after ${csv.rowsWritten} rows: ${(error as Error).message}`);
    });
    return csv;
  }
}

