import { type LoupeMetric } from '@loupe/metrics';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useId } from 'react';
import { type ReportResponse } from '@loupe/contracts';
import { EmptyState } from '../../../components/States';
import { METRIC_LABELS } from '../definition';
import { dimensionText, formatReportCell, type ReportRow } from '../format';

const COLOURS = ['#b0151f', '#0b57d0', '#1e7a3c', '#7a4b00', '#6b3fa0', '#00707a'];
const TIME = ['date', 'week', 'month', 'quarter'];

export interface ChartData {
  /** The x axis: the time dimension, else the first dimension. */
  axis: string | null;
  points: Record<string, string | number>[];
  /** One series per currency: amounts in different currencies are never added or drawn on one scale as if they were. */
  currencies: string[];
  /** Why the chart cannot be drawn from these rows, when it cannot. */
  problem: string | null;
}

/**
 * Points of `metric` along the report's time dimension (or first dimension), one series per
 * currency. Rows that share a point (other dimensions) are added for counts and money; a
 * ratio cannot be added, so then the chart asks for a count or money metric instead.
 */
export function chartData(response: Pick<ReportResponse, 'columns'>, rows: readonly ReportRow[], metric: string, accountNames: ReadonlyMap<string, string>): ChartData {
  const dimensions = response.columns.filter((c) => c.role === 'dimension' && c.name !== 'currency').map((c) => c.name);
  const axis = dimensions.find((d) => TIME.includes(d)) ?? dimensions[0] ?? null;
  const column = response.columns.find((c) => c.name === metric);
  const currencies = [...new Set(rows.map((r) => String(r.currency)))];
  if (!column || !axis) return { axis, points: [], currencies, problem: axis ? 'Choose a metric of the report.' : 'Add a granularity or a breakdown to chart the report along it.' };
  const byPoint = new Map<string, Record<string, string | number>>();
  const counts = new Map<string, number>();
  for (const row of rows) {
    const x = dimensionText(axis, row[axis], accountNames);
    const currency = String(row.currency);
    const point = byPoint.get(x) ?? { x };
    const value = row[metric];
    const key = `${x}\u0000${currency}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (typeof value === 'number') point[currency] = (typeof point[currency] === 'number' ? point[currency] : 0) + value;
    byPoint.set(x, point);
  }
  if (column.type === 'ratio' && [...counts.values()].some((n) => n > 1)) {
    return { axis, points: [], currencies, problem: `${METRIC_LABELS[metric as LoupeMetric] ?? metric} is a ratio and rows share a point of the chart; remove the extra breakdowns or chart a count or an amount.` };
  }
  const points = [...byPoint.values()];
  if (TIME.includes(axis)) points.sort((a, b) => String(a.x).localeCompare(String(b.x)));
  return { axis, points: points.slice(0, TIME.includes(axis) ? 800 : 30), currencies, problem: null };
}

export function ReportChart({
  response,
  rows,
  metric,
  onMetric,
  accountNames,
}: {
  response: ReportResponse;
  rows: readonly ReportRow[];
  metric: string;
  onMetric: (metric: string) => void;
  accountNames: ReadonlyMap<string, string>;
}) {
  const id = useId();
  const metrics = response.columns.filter((c) => c.role === 'metric');
  const column = metrics.find((c) => c.name === metric) ?? metrics[0];
  const data = chartData(response, rows, column?.name ?? '', accountNames);
  const format = (value: number, currency: string) => (column ? formatReportCell(column, column.type === 'money_micros' ? Math.round(value) : value, currency) : String(value));
  const time = data.axis !== null && TIME.includes(data.axis);
  const Chart = time ? LineChart : BarChart;
  return (
    <figure className="chart report-chart" aria-labelledby={`${id}-caption`}>
      <label className="field report-chart__metric">
        <span className="field__label">Chart metric</span>
        <select value={column?.name ?? ''} onChange={(e) => onMetric(e.target.value)}>
          {metrics.map((m) => (
            <option key={m.name} value={m.name}>
              {METRIC_LABELS[m.name as LoupeMetric] ?? m.name}
            </option>
          ))}
        </select>
      </label>
      {data.problem ? (
        <p className="callout callout--warning">{data.problem}</p>
      ) : data.points.length === 0 ? (
        <EmptyState title="Nothing to chart">
          <p>The report has no rows in this period.</p>
        </EmptyState>
      ) : (
        <div className="chart__canvas">
          {data.currencies.map((currency, i) => (
            <ResponsiveContainer key={currency} width="100%" height={data.currencies.length > 1 ? 200 : 260}>
              <Chart data={data.points} margin={{ top: 16, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
                <XAxis dataKey="x" minTickGap={16} />
                <YAxis tickFormatter={(v: number) => format(v, currency)} width={96} />
                <Tooltip formatter={(v) => format(Number(v), currency)} />
                <Legend />
                {time ? (
                  <Line type="monotone" dataKey={currency} name={`${METRIC_LABELS[column!.name as LoupeMetric] ?? column!.name} (${currency})`} stroke={COLOURS[i % COLOURS.length]} dot={false} strokeWidth={2} isAnimationActive={false} />
                ) : (
                  <Bar dataKey={currency} name={`${METRIC_LABELS[column!.name as LoupeMetric] ?? column!.name} (${currency})`} fill={COLOURS[i % COLOURS.length]} isAnimationActive={false} />
                )}
              </Chart>
            </ResponsiveContainer>
          ))}
        </div>
      )}
      <figcaption id={`${id}-caption`} className="muted">
        {data.axis ? `${METRIC_LABELS[(column?.name ?? '') as LoupeMetric] ?? ''} by ${data.axis.replace('_id', '')}${data.currencies.length > 1 ? ', one chart per currency' : ''}${time ? '' : ' (first 30)'}; the exact figures are in the table.` : ''}
      </figcaption>
    </figure>
  );
}
