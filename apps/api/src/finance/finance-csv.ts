import type { Readable } from 'node:stream';
import { DEFAULT_CLICK_WINDOW_DAYS, DEFAULT_VIEW_WINDOW_DAYS } from '@loupe/analytics';
import type { AccountFinanceSpend, BillingInvoiceDetail } from '@loupe/contracts';
import { createCsvExport, type CsvColumn } from '@loupe/server-core';

/*
 * The finance downloads (docs/finance.md), all through createCsvExport: RFC 4180,
 * optional BOM, formula injection neutralised, commented header. They are bounded
 * (months × campaigns), so the checksum goes in the header.
 */

const SPEND_COLUMNS: readonly CsvColumn[] = [
  { key: 'period', header: 'Period', type: 'text' },
  { key: 'start_date', header: 'Start date', type: 'text' },
  { key: 'end_date', header: 'End date', type: 'text' },
  { key: 'status', header: 'Status', type: 'text' },
  { key: 'billed_impressions', header: 'Billed impressions', type: 'integer' },
  { key: 'billed_clicks', header: 'Billed clicks', type: 'integer' },
  { key: 'spend_in_micro_currency', header: 'Spend', type: 'money_micros' },
  { key: 'restatement_billed_impressions', header: 'Restated billed impressions', type: 'integer' },
  { key: 'restatement_billed_clicks', header: 'Restated billed clicks', type: 'integer' },
  { key: 'restatement_spend_in_micro_currency', header: 'Restated spend', type: 'money_micros' },
  { key: 'total_spend_in_micro_currency', header: 'Total billed', type: 'money_micros' },
];

const INVOICE_COLUMNS: readonly CsvColumn[] = [
  { key: 'line_type', header: 'Line type', type: 'text' },
  { key: 'campaign_id', header: 'Campaign ID', type: 'text' },
  { key: 'campaign_name', header: 'Campaign', type: 'text' },
  { key: 'restated_period', header: 'Restated period', type: 'text' },
  { key: 'detected_at', header: 'Detected at', type: 'text' },
  { key: 'billed_impressions', header: 'Billed impressions', type: 'integer' },
  { key: 'billed_clicks', header: 'Billed clicks', type: 'integer' },
  { key: 'spend_in_micro_currency', header: 'Spend', type: 'money_micros' },
  { key: 'conversion_value_in_micro_currency', header: 'Attributed conversion value (not billed)', type: 'money_micros' },
];

export const CONVERSION_ATTRIBUTION = `click ${DEFAULT_CLICK_WINDOW_DAYS} days; view ${DEFAULT_VIEW_WINDOW_DAYS} day; at the time of the ad action (conversion value only; it is not billed)`;

export function spendCsv(report: AccountFinanceSpend, accountName: string, range: { start: string; end: string }, generatedAt: Date, bom: boolean): Readable {
  return createCsvExport(report.periods, {
    columns: SPEND_COLUMNS,
    bom,
    checksum: 'header',
    meta: {
      title: `Loupe billed spend by ${report.granularity === 'MONTH' ? 'month' : 'quarter'}`,
      account: `${accountName} (${report.ad_account_id})`,
      period: `${report.periods[0]?.start_date ?? range.start} to ${report.periods[report.periods.length - 1]?.end_date ?? range.end} (inclusive)`,
      timezone: report.timezone,
      currency: report.currency,
      attributionWindows: 'not applicable (billed spend from the spend ledger)',
      generatedAt,
      extra: [
        ['granularity', report.granularity],
        ['source', 'spend ledger; closed months from their closing snapshot; restatements are corrections of earlier closed months booked in that period'],
      ],
    },
  });
}

export function invoiceCsv(invoice: BillingInvoiceDetail, generatedAt: Date, bom: boolean): Readable {
  return createCsvExport(invoice.lines, {
    columns: INVOICE_COLUMNS,
    bom,
    checksum: 'header',
    meta: {
      title: `Loupe invoice ${invoice.invoice_number}`,
      account: `${invoice.ad_account_name} (${invoice.ad_account_id})`,
      period: `${invoice.billing_period} (${invoice.billing_period_start_date} to ${invoice.billing_period_end_date} inclusive)`,
      timezone: invoice.timezone,
      currency: invoice.currency,
      attributionWindows: CONVERSION_ATTRIBUTION,
      generatedAt,
      extra: [
        ['invoice', `${invoice.invoice_number} (id ${invoice.id})`],
        ['status', invoice.status],
        ['amount billed', `${invoice.amount_billed_micro_currency} micros`],
      ],
    },
  });
}
