import { type ReportResponse } from '@loupe/contracts';
import { formatCount } from '../../lib/format';
import { formatMoney } from '../../lib/money';

/*
 * Report cells as people read them. The API answers money as integer micros of the
 * row's currency, counts as integers and ratios as numbers already computed from sums
 * (never averaged here); so a cell's text depends on its column's type and its row's
 * currency, and a totals row is one per currency — never a sum across currencies.
 */

export type ReportColumn = ReportResponse['columns'][number];
export type ReportRow = ReportResponse['rows'][number];
export type ReportTotals = ReportResponse['totals'][number];

const percent = new Intl.NumberFormat('en', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** Ratios shown as a multiple (ROAS 3.5 → "3.50×") or a plain number (frequency), the rest as percentages. */
const MULTIPLES = new Set(['roas', 'frequency']);

export function formatReportCell(column: Pick<ReportColumn, 'name' | 'type'>, value: string | number | null | undefined, currency: string): string {
  if (value === null || value === undefined) return '—';
  switch (column.type) {
    case 'money_micros':
      return formatMoney(value, currency);
    case 'count':
      return typeof value === 'number' ? formatCount(value) : value;
    case 'ratio': {
      const n = typeof value === 'number' ? value : Number(value);
      if (!Number.isFinite(n)) return String(value);
      if (MULTIPLES.has(column.name)) return `${n.toFixed(2)}${column.name === 'roas' ? '×' : ''}`;
      return percent.format(n);
    }
    default:
      return String(value);
  }
}

/** The grid's pinned rows: one per currency, labelled with it and the accounts it covers, in the report's columns. */
export function totalsRows(response: Pick<ReportResponse, 'columns' | 'totals'>, accountNames: ReadonlyMap<string, string>): ReportRow[] {
  const firstDimension = response.columns.find((c) => c.role === 'dimension' && c.name !== 'currency');
  return response.totals.map((total) => {
    const names = total.ad_account_ids.map((id) => accountNames.get(id) ?? id).join(', ');
    const row: ReportRow = { currency: total.currency, ...total.metrics };
    if (firstDimension) row[firstDimension.name] = `Total ${total.currency} (${names})`;
    row.__totals = `Total ${total.currency}`;
    return row;
  });
}

/** A row's label along one dimension: account and entity ids with the account's name where known. */
export function dimensionText(column: string, value: string | number | null | undefined, accountNames: ReadonlyMap<string, string>): string {
  if (value === null || value === undefined) return '—';
  if (value === '') return '(not recorded)';
  if (column === 'ad_account_id') return accountNames.get(String(value)) ?? String(value);
  return String(value);
}
