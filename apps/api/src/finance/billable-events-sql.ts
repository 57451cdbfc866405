import { lit, sql, tableRef, type SqlFragment } from '@loupe/analytics';
import { addDays, csvCellSql, csvRecordSql, startOfLocalDay, type CsvColumnType } from '@loupe/server-core';

/*
 * The SQL of the billable-events export (billable-events.ts; docs/exports.md): ClickHouse
 * renders each CSV record with the CSV module's cell rules (csvCellSql), so the API only
 * pipes bytes. Kept free of Nest so bench/export can build the same statements.
 */

/** One column of the export: its name in the header row, its CSV type and the SQL of its value over the deduplicated events. */
interface ExportColumn {
  readonly header: string;
  readonly type: Exclude<CsvColumnType, 'decimal'>;
  readonly value: (timezone: SqlFragment) => SqlFragment;
  /** The value is built by the query from digits and constants, so it cannot need neutralising or quoting. */
  readonly plain?: true;
}

/** The billed event types: what the rollups sum into spend (rollup-sql.ts). */
const BILLED_TYPES = sql`('IMPRESSION', 'CLICK', 'ENGAGEMENT')`;

export const BILLABLE_EVENT_COLUMNS: readonly ExportColumn[] = [
  { header: 'DATE', type: 'text', plain: true, value: (tz) => sql`toString(toDate(event_time, ${tz}))` },
  { header: 'EVENT_TIME', type: 'text', plain: true, value: (tz) => sql`toString(event_time, ${tz})` },
  { header: 'EVENT_ID', type: 'text', value: () => sql`event_id` },
  // One of BILLED_TYPES (the WHERE clause), so plain.
  { header: 'EVENT_TYPE', type: 'text', plain: true, value: () => sql`event_type` },
  { header: 'CAMPAIGN_ID', type: 'integer', value: () => sql`campaign_id` },
  { header: 'AD_GROUP_ID', type: 'integer', value: () => sql`ad_group_id` },
  { header: 'AD_ID', type: 'integer', value: () => sql`ad_id` },
  { header: 'PLACEMENT', type: 'text', value: () => sql`placement` },
  { header: 'SPEND_IN_MICRO_CURRENCY', type: 'integer', value: () => sql`price_micros` },
  { header: 'SPEND', type: 'money_micros', value: () => sql`price_micros` },
];

export interface BillableEventsRange {
  readonly database: string;
  readonly adAccountId: string;
  readonly timezone: string;
  /** First and last local day, inclusive (YYYY-MM-DD). */
  readonly startDate: string;
  readonly endDate: string;
}

/**
 * The export's SELECT: one String column per row, the CSV record. Rows are the
 * billed events (IMPRESSION, CLICK or ENGAGEMENT with a non-zero price, not invalid
 * traffic) whose time falls in the local days, one per event id: FINAL collapses
 * re-sent copies keeping the latest (a later IVT flag wins), and the WHERE applies
 * after it. FINAL merges the parts in sort-key order, so rows come out ordered by
 * UTC day, campaign, ad group, ad, event type and event id without a sort (an ORDER BY
 * would hold the first byte back until every row is read; 18.16 cannot read in order).
 */
export function billableEventsSql(range: BillableEventsRange): SqlFragment {
  const tz = lit.string(range.timezone);
  const cells = BILLABLE_EVENT_COLUMNS.map((column) => (column.plain ? column.value(tz) : csvCellSql(column.value(tz), column.type)));
  return sql`SELECT ${csvRecordSql(cells)} AS record ${billableEventsFrom(range)}`;
}

/** The same rows' raw columns, for ClickHouse's own FORMAT CSV (the bench's direct baseline). */
export function billableEventsRawSql(range: BillableEventsRange): SqlFragment {
  const tz = lit.string(range.timezone);
  return sql`SELECT ${sql.join(BILLABLE_EVENT_COLUMNS.map((column) => column.value(tz)))} ${billableEventsFrom(range)}`;
}

function billableEventsFrom(range: BillableEventsRange): SqlFragment {
  const from = startOfLocalDay(range.startDate, range.timezone);
  const to = startOfLocalDay(addDays(range.endDate, 1), range.timezone);
  return sql`FROM ${tableRef(range.database, 'events')} FINAL
    WHERE ad_account_id = ${lit.int(range.adAccountId, 'UInt64')}
      AND event_date >= ${lit.date(from)} AND event_date <= ${lit.date(new Date(to.getTime() - 1000))}
      AND event_time >= ${lit.dateTime(from)} AND event_time < ${lit.dateTime(to)}
      AND event_type IN ${BILLED_TYPES} AND ivt = 0 AND price_micros != 0`;
}
