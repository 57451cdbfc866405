import { type AccountRevenue } from '@loupe/contracts';
import { Bar, BarChart, CartesianGrid, LabelList, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { EmptyState } from '../../../components/States';
import { formatMoney } from '../../../lib/money';

/** A growth rate from the API (a JSON number) as "+12.5%"; null (growth from 0) as "—". */
export function formatGrowth(rate: number | null): string {
  if (rate === null) return '—';
  const text = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(rate);
  return text.replace('-', '−');
}

/** Spend and attributed revenue per quarter (QoQ growth of revenue on the bars), and the same figures as a table. */
export function RevenueChart({ revenue }: { revenue: AccountRevenue }) {
  const { currency, quarters } = revenue;
  if (quarters.every((q) => q.spend_in_micro_currency === 0 && q.conversion_value_in_micro_currency === 0)) {
    return (
      <EmptyState title="No revenue yet">
        <p>Quarters fill in once campaigns spend and conversions are reported (send them with the conversions API or the tag).</p>
      </EmptyState>
    );
  }
  const data = quarters.map((q) => ({
    quarter: q.quarter,
    spend: q.spend_in_micro_currency,
    value: q.conversion_value_in_micro_currency,
    growth: formatGrowth(q.growth.conversion_value.qoq),
  }));
  const money = (micros: number) => formatMoney(Math.round(micros), currency);
  return (
    <figure className="chart">
      <div className="chart__canvas">
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={data} margin={{ top: 20, right: 8, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" vertical={false} />
            <XAxis dataKey="quarter" />
            <YAxis tickFormatter={money} width={96} />
            <Tooltip formatter={(v) => money(Number(v))} />
            <Legend />
            <Bar dataKey="spend" name="Spend" fill="#b0151f" isAnimationActive={false} />
            <Bar dataKey="value" name="Attributed revenue" fill="#0b57d0" isAnimationActive={false}>
              <LabelList dataKey="growth" position="top" fontSize={11} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="muted">{`Quarters in ${revenue.timezone}; labels: revenue growth on the previous quarter. Attribution: ${revenue.attribution.click_window_days}-day click, ${revenue.attribution.view_window_days}-day view.`}</figcaption>
      <div className="table-scroll">
        <table className="table">
          <caption className="visually-hidden">Revenue by quarter</caption>
          <thead>
            <tr>
              <th scope="col">Quarter</th>
              <th scope="col">Spend</th>
              <th scope="col">Attributed revenue</th>
              <th scope="col">ROAS</th>
              <th scope="col">Revenue QoQ</th>
              <th scope="col">Revenue YoY</th>
            </tr>
          </thead>
          <tbody>
            {quarters.map((q) => (
              <tr key={q.quarter}>
                <th scope="row">{q.quarter}</th>
                <td>{formatMoney(q.spend_in_micro_currency, currency)}</td>
                <td>{formatMoney(q.conversion_value_in_micro_currency, currency)}</td>
                <td>{q.roas === null ? '—' : `${q.roas.toFixed(2)}×`}</td>
                <td>{formatGrowth(q.growth.conversion_value.qoq)}</td>
                <td>{formatGrowth(q.growth.conversion_value.yoy)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
