import { type Ad, type AdGroup, type Campaign } from '@loupe/contracts';
import { type ColDef, type ICellRendererParams } from 'ag-grid-community';
import { cpaMicros, ctr, formatMicros, formatPercent, formatRatio, NOT_APPLICABLE, roas, totalConversions } from '@loupe/metrics';
import { Link } from 'react-router';
import { formatDate } from '../../../lib/format';
import { formatMoney } from '../../../lib/money';
import { type RowMetrics, type WithMetrics } from '../api/metrics';
import { StatusBadge } from './StatusBadge';

interface Ctx {
  accountId: string;
  currency: string;
  timezone: string;
}

const money = (ctx: Ctx, micros: number | null | undefined) => (micros === null || micros === undefined ? '—' : formatMoney(micros, ctx.currency));
/** A null start means "as soon as it is launched" (the API's default for ad groups). */
const schedule = (ctx: Ctx, start: number | null, end: number | null) =>
  `${start === null ? 'At launch' : formatDate(start, ctx.timezone)} → ${end === null ? 'no end' : formatDate(end, ctx.timezone)}`;
const created = <T extends { created_time: number }>(ctx: Ctx): ColDef<T> => ({
  headerName: 'Created',
  colId: 'created',
  field: 'created_time' as never,
  sortable: true,
  sort: 'desc',
  sortingOrder: ['desc', 'asc'],
  headerTooltip: 'Sorted on the server by creation (the order the API pages in)',
  width: 120,
  valueFormatter: (p) => formatDate(p.value as number, ctx.timezone),
});

/**
 * The key metrics per row for the grid's date range (spend, impressions, clicks, CTR,
 * conversions, CPA, ROAS), from the analytics sums EntityTable attaches to each row as
 * `metrics`. Ratios come from @loupe/metrics on those sums; money is exact micros in the
 * account currency. "…" while a row's metrics load, "—" when undefined or unavailable.
 * Not sortable: the API pages in creation order only.
 */
export function metricColumns<T>(ctx: Ctx): ColDef<T>[] {
  const metric = (headerName: string, colId: string, show: (m: RowMetrics) => string, headerTooltip?: string): ColDef<T> => ({
    headerName,
    colId,
    width: 120,
    type: 'rightAligned',
    headerTooltip,
    valueGetter: (p) => {
      const row = p.data as WithMetrics<T> | undefined;
      if (!row) return '';
      if (row.metrics === undefined) return '…';
      return row.metrics === null ? '—' : show(row.metrics);
    },
  });
  const whole = (n: bigint) => new Intl.NumberFormat('en-US').format(n);
  return [
    metric('Spend', 'spend', (m) => formatMicros(m.spendMicros, ctx.currency)),
    metric('Impressions', 'impressions', (m) => whole(m.impressions)),
    metric('Clicks', 'clicks', (m) => whole(m.clicks), 'Pin clicks'),
    metric('CTR', 'ctr', (m) => formatPercent(ctr(m)), 'Clicks ÷ impressions'),
    metric('Conversions', 'conversions', (m) => whole(totalConversions(m)), 'All conversion types; 30-day click, 1-day view'),
    metric('CPA', 'cpa', (m) => {
      const cpa = cpaMicros(m);
      return cpa === null ? NOT_APPLICABLE : formatMicros(cpa, ctx.currency);
    }, 'Spend ÷ conversions'),
    metric('ROAS', 'roas', (m) => {
      const value = roas(m);
      return value === null ? NOT_APPLICABLE : `${formatRatio(value)}×`;
    }, 'Conversion value ÷ spend'),
  ];
}

const statusCell = (p: ICellRendererParams<{ summary_status: string }>) => (p.data ? <StatusBadge status={p.data.summary_status} /> : null);

export function campaignColumns(ctx: Ctx): ColDef<Campaign>[] {
  return [
    {
      headerName: 'Campaign',
      field: 'name',
      minWidth: 180,
      flex: 2,
      cellRenderer: (p: ICellRendererParams<Campaign>) =>
        p.data ? <Link to={`/accounts/${ctx.accountId}/campaigns/${p.data.id}`}>{p.data.name}</Link> : <span className="skeleton skeleton--cell" />,
    },
    { headerName: 'Status', colId: 'status', width: 120, cellRenderer: statusCell },
    { headerName: 'Objective', field: 'objective_type', width: 120, valueFormatter: (p) => String(p.value ?? '').replace(/_/g, ' ').toLowerCase() },
    { headerName: 'Daily cap', colId: 'daily', width: 120, type: 'rightAligned', valueGetter: (p) => money(ctx, p.data?.daily_spend_cap) },
    { headerName: 'Lifetime cap', colId: 'lifetime', width: 130, type: 'rightAligned', valueGetter: (p) => money(ctx, p.data?.lifetime_spend_cap) },
    { headerName: 'Schedule', colId: 'schedule', minWidth: 180, flex: 1, valueGetter: (p) => (p.data ? schedule(ctx, p.data.start_time, p.data.end_time) : '') },
    ...metricColumns<Campaign>(ctx),
    created<Campaign>(ctx),
  ];
}

export function adGroupColumns(ctx: Ctx): ColDef<AdGroup>[] {
  return [
    {
      headerName: 'Ad group',
      field: 'name',
      minWidth: 200,
      flex: 2,
      cellRenderer: (p: ICellRendererParams<AdGroup>) =>
        p.data ? <Link to={`/accounts/${ctx.accountId}/ad_groups/${p.data.id}`}>{p.data.name}</Link> : <span className="skeleton skeleton--cell" />,
    },
    { headerName: 'Status', colId: 'status', width: 130, cellRenderer: statusCell },
    {
      headerName: 'Budget',
      colId: 'budget',
      width: 170,
      valueGetter: (p) => (p.data ? `${money(ctx, p.data.budget_in_micro_currency)} ${p.data.budget_type === 'DAILY' ? '/ day' : 'lifetime'}` : ''),
    },
    {
      headerName: 'Bid',
      colId: 'bid',
      width: 150,
      valueGetter: (p) =>
        p.data
          ? p.data.bid_in_micro_currency === null
            ? 'Automatic'
            : `${money(ctx, p.data.bid_in_micro_currency)} ${p.data.billable_event === 'IMPRESSION' ? 'CPM' : 'CPC'}`
          : '',
    },
    { headerName: 'Schedule', colId: 'schedule', minWidth: 200, flex: 1, valueGetter: (p) => (p.data ? schedule(ctx, p.data.start_time, p.data.end_time) : '') },
    {
      headerName: 'Delivery',
      colId: 'delivery',
      width: 110,
      headerTooltip: 'Why the ad group is or is not winning auctions',
      cellRenderer: (p: ICellRendererParams<AdGroup>) =>
        p.data ? (
          <Link to={`/accounts/${ctx.accountId}/ad_groups/${p.data.id}/delivery`} aria-label={`Delivery of ${p.data.name}`}>
            Diagnose
          </Link>
        ) : null,
    },
    ...metricColumns<AdGroup>(ctx),
    created<AdGroup>(ctx),
  ];
}

export function adColumns(ctx: Ctx): ColDef<Ad>[] {
  return [
    { headerName: 'Ad', colId: 'name', minWidth: 180, flex: 2, valueGetter: (p) => (p.data ? (p.data.name ?? `Pin ${p.data.pin_id}`) : '') },
    { headerName: 'Status', colId: 'status', width: 140, cellRenderer: statusCell },
    { headerName: 'Review', field: 'review_status', width: 120, valueFormatter: (p) => String(p.value ?? '').toLowerCase() },
    {
      headerName: 'Destination',
      field: 'destination_url',
      minWidth: 220,
      flex: 2,
      cellRenderer: (p: ICellRendererParams<Ad>) =>
        p.data?.destination_url ? (
          <a href={p.data.destination_url} target="_blank" rel="noreferrer noopener">
            {p.data.destination_url}
          </a>
        ) : (
          '—'
        ),
    },
    ...metricColumns<Ad>(ctx),
    created<Ad>(ctx),
  ];
}
