import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { EmptyState, ErrorState, Skeleton } from '../components/States';
import { useCurrentAccount } from '../features/ad-accounts/hooks/useAdAccounts';
import { fetchAccountAnalytics, fetchDeliveryChanges, fetchRevenueQuarters, OVERVIEW_COLUMNS, TREND_COLUMNS } from '../features/overview/api/overview';
import { DateRangeControl } from '../features/overview/components/DateRangeControl';
import { Funnel } from '../features/overview/components/Funnel';
import { KpiCards } from '../features/overview/components/KpiCards';
import { RevenueChart } from '../features/overview/components/RevenueChart';
import { TrendChart } from '../features/overview/components/TrendChart';
import { addDays, presetRange, resolveRange, type DateRange, type RangePreset } from '../features/overview/dateRange';
import { computeKpis, hasDelivery, sumRows } from '../features/overview/kpis';
import { startOfDayIn } from '../lib/format';

export function OverviewPage() {
  const { account, can } = useCurrentAccount();
  const [now] = useState(() => new Date());
  const [preset, setPreset] = useState<RangePreset>('last_30_days');
  const [custom, setCustom] = useState<DateRange>(() => presetRange('last_30_days', account.timezone, now));
  const range = useMemo(
    () => resolveRange(preset === 'custom' ? custom : presetRange(preset, account.timezone, now), account.timezone, now),
    [preset, custom, account.timezone, now],
  );
  const current = { start: range.start, end: range.end };
  const key = ['ad-accounts', account.id, 'analytics'] as const;

  const totals = useQuery({
    queryKey: [...key, 'TOTAL', current],
    queryFn: ({ signal }) => fetchAccountAnalytics(account.id, current, 'TOTAL', OVERVIEW_COLUMNS, signal),
    enabled: can.canSeeCampaigns,
  });
  const previousTotals = useQuery({
    queryKey: [...key, 'TOTAL', range.previous],
    queryFn: ({ signal }) => fetchAccountAnalytics(account.id, range.previous!, 'TOTAL', OVERVIEW_COLUMNS, signal),
    enabled: can.canSeeCampaigns && range.previous !== null,
  });
  const trend = useQuery({
    queryKey: [...key, 'DAY', current],
    queryFn: ({ signal }) => fetchAccountAnalytics(account.id, current, 'DAY', TREND_COLUMNS, signal),
    enabled: can.canSeeCampaigns,
  });
  const changes = useQuery({
    queryKey: ['ad-accounts', account.id, 'audit-log', 'delivery-changes', current],
    queryFn: ({ signal }) =>
      fetchDeliveryChanges(account.id, startOfDayIn(current.start, account.timezone), startOfDayIn(addDays(current.end, 1), account.timezone) - 1, signal),
    enabled: can.canSeeCampaigns,
  });
  const revenue = useQuery({
    queryKey: ['ad-accounts', account.id, 'revenue-quarters', 6],
    queryFn: ({ signal }) => fetchRevenueQuarters(account.id, 6, signal),
    enabled: can.canSeeCampaigns,
  });

  const comparedWith = range.previous ? `previous ${range.days} ${range.days === 1 ? 'day' : 'days'}` : null;
  const currentTotals = totals.data ? sumRows(totals.data, OVERVIEW_COLUMNS) : null;
  const prior = previousTotals.data ? sumRows(previousTotals.data, OVERVIEW_COLUMNS) : null;
  const waitingForPrevious = range.previous !== null && previousTotals.isPending;

  return (
    <section aria-labelledby="overview-title" className="page page--wide">
      <title>{`Overview · ${account.name} · Loupe`}</title>
      <div className="page-head">
        <h1 id="overview-title">Overview</h1>
      </div>
      {!can.canSeeCampaigns ? (
        <p>Your role on this ad account does not include reporting. Ask an admin for the Analyst or Campaign manager role.</p>
      ) : (
        <>
          <p className="muted">{`Amounts in ${account.currency}; days in ${account.timezone}.`}</p>
          <DateRangeControl
            preset={preset}
            custom={custom}
            resolved={range}
            timeZone={account.timezone}
            onPreset={setPreset}
            onCustom={setCustom}
          />
          <section aria-labelledby="kpi-title" className="overview-section">
            <h2 id="kpi-title" className="visually-hidden">
              Key figures
            </h2>
            {totals.error ? (
              <ErrorState title="Could not load the figures" error={totals.error} onRetry={() => void totals.refetch()} />
            ) : previousTotals.error ? (
              <ErrorState title="Could not load the previous period" error={previousTotals.error} onRetry={() => void previousTotals.refetch()} />
            ) : !currentTotals || waitingForPrevious ? (
              <Skeleton label="Loading the figures…" lines={3} />
            ) : !hasDelivery(currentTotals) ? (
              <EmptyState title="No delivery in this period">
                <p>
                  Nothing was shown or spent between {range.start} and {range.end}.{' '}
                  {can.canEditCampaigns ? (
                    <>
                      <Link to={`/accounts/${account.id}/campaigns/new`}>Launch a campaign</Link>, or check that your{' '}
                      <Link to={`/accounts/${account.id}/campaigns`}>campaigns</Link> are active, then come back.
                    </>
                  ) : (
                    <>
                      Pick a longer range, or see the <Link to={`/accounts/${account.id}/campaigns`}>campaigns</Link> and their status.
                    </>
                  )}
                </p>
              </EmptyState>
            ) : (
              <KpiCards kpis={computeKpis(currentTotals, prior)} currency={account.currency} comparedWith={comparedWith} />
            )}
          </section>
          <div className="overview-columns">
            <section aria-labelledby="trend-title" className="panel overview-section">
              <h2 id="trend-title">Spend and conversion value</h2>
              {trend.error ? (
                <ErrorState title="Could not load the daily trend" error={trend.error} onRetry={() => void trend.refetch()} />
              ) : !trend.data ? (
                <Skeleton label="Loading the daily trend…" lines={4} />
              ) : (
                <TrendChart rows={trend.data} range={current} currency={account.currency} timeZone={account.timezone} changes={changes.data ?? []} />
              )}
            </section>
            <section aria-labelledby="funnel-title" className="panel overview-section">
              <h2 id="funnel-title">Engagement funnel</h2>
              {totals.error ? (
                <p className="muted">The funnel needs the figures above.</p>
              ) : !currentTotals ? (
                <Skeleton label="Loading the funnel…" lines={5} />
              ) : (
                <Funnel totals={currentTotals} />
              )}
            </section>
          </div>
          <section aria-labelledby="revenue-title" className="panel overview-section">
            <h2 id="revenue-title">Revenue by quarter</h2>
            {revenue.error ? (
              <ErrorState title="Could not load revenue by quarter" error={revenue.error} onRetry={() => void revenue.refetch()} />
            ) : !revenue.data ? (
              <Skeleton label="Loading revenue by quarter…" lines={4} />
            ) : (
              <RevenueChart revenue={revenue.data} />
            )}
          </section>
        </>
      )}
    </section>
  );
}
