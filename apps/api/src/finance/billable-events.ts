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
/** How long the route waits for ClickHouse to start answering before it sends the header block anyway. */
export const FIRST_BYTE_WAIT_MS = 50;

@Injectable()
export class BillableEventsService {
  private readonly logger = new Logger(BillableEventsService.name);

  constructor(
    @Inject(CLICKHOUSE) private readonly clickhouse: ClickHouseExecutor,
    @Inject(LOUPE_CONFIG) private readonly config: LoupeConfig,
  ) {}

  /**
   * The CSV as a byte stream. The header block is written before ClickHouse answers (it
   * names the request, not the rows), so the first bytes leave at once even when the
   * FINAL read takes a while to produce its first block. A ClickHouse that refuses the
   * query within FIRST_BYTE_WAIT_MS (down, overloaded, a bad query) still gets a proper
   * error status; one that fails later cuts the download short, and a file without its
   * `# sha256` trailer is never mistaken for a complete one.
   */
  async csv(account: FinanceAccount, startDate: string, endDate: string, bom: boolean, generatedAt = new Date()): Promise<Readable> {
    const clickhouse = this.clickhouse;
    if (!clickhouse.stream) throw new NotImplementedException('This ClickHouse connection cannot stream exports.');
    const range: BillableEventsRange = { database: this.config.clickhouse.database, adAccountId: account.id, timezone: account.timezone, startDate, endDate };
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
    const started = clickhouse.stream(billableEventsSql(range), 'TabSeparatedRaw', STREAM_SETTINGS).then((source) => {
      // pipeline: back-pressure both ways, and the ClickHouse response is destroyed (the query cancelled) if the client goes away.
      pipeline(source, csv).catch((error: unknown) => {
        this.logger.warn(`billable events export of ad account ${account.id} stopped after ${csv.rowsWritten} rows: ${(error as Error).message}`);
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'waiting'>((done) => (timer = setTimeout(() => done('waiting'), FIRST_BYTE_WAIT_MS)));
    try {
      // A rejection here (before any byte left) becomes the response's error status.
      const first = await Promise.race([started.then(() => 'started' as const), waited]);
      if (first === 'waiting') {
        started.catch((error: unknown) => {
          this.logger.warn(`billable events export of ad account ${account.id} failed before its first row: ${(error as Error).message}`);
          csv.destroy(error as Error);
        });
      }
    } catch (error) {
      csv.destroy();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return csv;
  }
}

