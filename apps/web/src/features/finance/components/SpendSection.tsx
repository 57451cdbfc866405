import { type AdAccount, type FinanceGranularity } from '@loupe/contracts';
import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { EmptyState, ErrorState, Skeleton } from '../../../components/States';
import { financeKey, fetchSpend, spendPath } from '../api';
import { count, currentMonthIn, localDateLabel, money, offeredYears, periodLabel, yearRange } from '../periods';
import { DownloadButton } from './DownloadButton';
import { NumHeader } from './NumHeader';

/** Billed spend per month or quarter of a year, with its totals and the CSV of exactly those figures. */
export function SpendSection({ account, now }: { account: AdAccount; now: Date }) {
  const id = useId();
  const currentMonth = currentMonthIn(account.timezone, now);
  const years = offeredYears(currentMonth);
  const [granularity, setGranularity] = useState<FinanceGranularity>('MONTH');
  const [year, setYear] = useState(years[0]!);
  const range = useMemo(() => yearRange(year, granularity, currentMonth), [year, granularity, currentMonth]);
  const spend = useQuery({
    queryKey: [...financeKey(account.id), 'spend', range],
    queryFn: ({ signal }) => fetchSpend(account.id, range, signal),
  });
  const unit = granularity === 'MONTH' ? 'month' : 'quarter';
  const csvName = `loupe-spend-${account.id}-${range.start}-${range.end}-${unit}.csv`;
  const data = spend.data;
  const nothing = data !== undefined && data.periods.every((p) => p.billed_impressions === 0 && p.billed_clicks === 0 && p.total_spend_in_micro_currency === 0);

  return (
    <section aria-labelledby={`${id}-title`} className="finance-section">
      <div className="finance-section__head">
        <h2 id={`${id}-title`}>Billed spend</h2>
        <div className="finance-controls">
          <fieldset className="segmented">
            <legend className="visually-hidden">Group by</legend>
            {(['MONTH', 'QUARTER'] as const).map((g) => (
              <label key={g} className={granularity === g ? 'segmented__option segmented__option--on' : 'segmented__option'}>
                <input type="radio" name={`${id}-granularity`} value={g} checked={granularity === g} onChange={() => setGranularity(g)} />
                {g === 'MONTH' ? 'By month' : 'By quarter'}
              </label>
            ))}
          </fieldset>
          <label className="finance-controls__year">
            Year{' '}
            <select value={year} onChange={(e) => setYear(Number(e.target.value))}>
              {years.map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </select>
          </label>
          <DownloadButton path={spendPath(account.id, range, 'csv')} fallbackName={csvName} label={`Download ${unit}ly CSV`} />
        </div>
      </div>
      <p className="muted">
        From the spend ledger, {unit}s cut in {account.timezone}, amounts in {account.currency}. Closed months never change; late events for them
        appear as restatements in the next open month.
      </p>
      {spend.error ? (
        <ErrorState title="Could not load billed spend" error={spend.error} onRetry={() => void spend.refetch()} />
      ) : data === undefined ? (
        <Skeleton label="Loading billed spend…" lines={4} />
      ) : nothing ? (
        <EmptyState title={`No billed spend in ${year}`}>
          <p>
            Spend appears here within minutes of delivery once a campaign is live. Choose another year, or ask a campaign manager to launch a
            campaign on this account.
          </p>
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table finance-table" aria-label={`Billed spend by ${unit}, ${year}`}>
            <thead>
              <tr>
                <th scope="col">{granularity === 'MONTH' ? 'Month' : 'Quarter'}</th>
                <th scope="col">Status</th>
                <NumHeader>Billed impressions</NumHeader>
                <NumHeader>Billed clicks</NumHeader>
                <NumHeader>Spend</NumHeader>
                <NumHeader>Restatements</NumHeader>
                <NumHeader>Total billed</NumHeader>
              </tr>
            </thead>
            <tbody>
              {data.periods.map((p) => (
                <tr key={p.period}>
                  <th scope="row">
                    {periodLabel(p.period)}
                    <span className="finance-table__dates">
                      {localDateLabel(p.start_date)} – {localDateLabel(p.end_date)}
                    </span>
                  </th>
                  <td>
                    <span className={p.status === 'CLOSED' ? 'badge badge--neutral' : 'badge'}>{p.status === 'CLOSED' ? 'Closed' : 'Open'}</span>
                  </td>
                  <td className="num">{count(p.billed_impressions)}</td>
                  <td className="num">{count(p.billed_clicks)}</td>
                  <td className="num">{money(p.spend_in_micro_currency, data.currency)}</td>
                  <td className="num">{p.restatement_spend_in_micro_currency === 0 ? '—' : money(p.restatement_spend_in_micro_currency, data.currency)}</td>
                  <td className="num">{money(p.total_spend_in_micro_currency, data.currency)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total {year}</th>
                <td />
                <td className="num">{count(data.totals.billed_impressions)}</td>
                <td className="num">{count(data.totals.billed_clicks)}</td>
                <td className="num">{money(data.totals.spend_in_micro_currency, data.currency)}</td>
                <td className="num">
                  {data.totals.restatement_spend_in_micro_currency === 0 ? '—' : money(data.totals.restatement_spend_in_micro_currency, data.currency)}
                </td>
                <td className="num">{money(data.totals.total_spend_in_micro_currency, data.currency)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}
