import { lit, sql, type SqlFragment } from '@loupe/analytics';
import type { CsvColumn } from '@loupe/server-core';

/**
 * The rows bench/export streams: a report-shaped row per number, generated inside
 * ClickHouse from `numbers(n)` so both paths (the CSV module and ClickHouse's own
 * FORMAT CSV) read exactly the same rows without a table to load. One row in ten
 * has a campaign name with a comma and quotes (a quoted CSV field).
 */
export function exportRowsSql(rows: number): SqlFragment {
  return sql`
    SELECT toUInt64(549755813888 + number % 7) AS ad_account_id,
      toString(toDate('2026-01-01') + intDiv(number, 100000) % 365) AS date,
      toUInt64(1000000 + number % 5000) AS campaign_id,
      concat('Campaign ', toString(number % 5000), if(number % 10 = 0, ', "sale"', '')) AS campaign_name,
      intHash32(number) % 100000 AS impressions,
      intHash32(number + 1) % 1000 AS clicks,
      toInt64(intHash64(number) % 100000000) AS spend_micros
    FROM numbers(${lit.int(rows, 'UInt64')})`;
}

/** The columns in the order exportRowsSql selects them. */
export const EXPORT_COLUMNS: readonly CsvColumn[] = [
  { key: 'ad_account_id', header: 'AD_ACCOUNT_ID', type: 'integer' },
  { key: 'date', header: 'DATE', type: 'text' },
  { key: 'campaign_id', header: 'CAMPAIGN_ID', type: 'integer' },
  { key: 'campaign_name', header: 'CAMPAIGN_NAME', type: 'text' },
  { key: 'impressions', header: 'PAID_IMPRESSION', type: 'integer' },
  { key: 'clicks', header: 'CLICKTHROUGH_1', type: 'integer' },
  { key: 'spend_micros', header: 'SPEND_IN_DOLLAR', type: 'money_micros' },
];
