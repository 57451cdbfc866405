import { useInfiniteQuery } from '@tanstack/react-query';
import { type ReportDefinition, type SavedReport } from '@loupe/contracts';
import { useMemo, useState } from 'react';
import { EmptyState, ErrorState, Skeleton } from '../components/States';
import { abilities } from '../features/ad-accounts/api/adAccounts';
import { useAdAccounts, useCurrentAccount } from '../features/ad-accounts/hooks/useAdAccounts';
import { runReport } from '../features/reports/api/reports';
import { ExportPanel } from '../features/reports/components/ExportPanel';
import { ReportBuilder } from '../features/reports/components/ReportBuilder';
import { ReportChart } from '../features/reports/components/ReportChart';
import { ReportGrid } from '../features/reports/components/ReportGrid';
import { SavedReports } from '../features/reports/components/SavedReports';
import { DIMENSION_LABELS, fromDefinition, initialBuilderState, METRIC_LABELS, toDefinition, type BuilderState } from '../features/reports/definition';
import '../features/reports/reports.css';

function columnLabel(name: string): string {
  const key = name.endsWith('_id') ? name.slice(0, -3) : name;
  return (METRIC_LABELS as Record<string, string>)[name] ?? (DIMENSION_LABELS as Record<string, string>)[key] ?? (name === 'currency' ? 'Currency' : name);
}

/**
 * Reports: build a report over one or several of the person's ad accounts, read it in a
 * grid with totals per currency and a chart, save and share it, export it as CSV.
 */
export function ReportsPage() {
  const { account, can } = useCurrentAccount();
  const accounts = useAdAccounts();
  const [now] = useState(() => new Date());
  const [state, setState] = useState<BuilderState>(() => initialBuilderState(account.id, account.timezone, now));
  const [definition, setDefinition] = useState<ReportDefinition | null>(() => {
    const first = toDefinition(initialBuilderState(account.id, account.timezone, now), account.timezone, now);
    return first.ok ? first.definition : null;
  });
  const [chartMetric, setChartMetric] = useState('spend');
  const [opened, setOpened] = useState<SavedReport | null>(null);

  const readable = useMemo(() => {
    const list = (accounts.data ?? [account]).filter((a) => abilities(a).canSeeCampaigns);
    return [...list.filter((a) => a.id === account.id), ...list.filter((a) => a.id !== account.id)];
  }, [accounts.data, account]);
  const accountNames = useMemo(() => new Map((accounts.data ?? [account]).map((a) => [a.id, a.name])), [accounts.data, account]);

  const report = useInfiniteQuery({
    queryKey: ['reports', 'query', definition],
    queryFn: ({ pageParam, signal }) => runReport(definition!, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.bookmark ?? undefined,
    // The previous results stay on screen (dimmed by the running button) while a changed report runs.
    placeholderData: (previous) => previous,
    enabled: definition !== null && can.canSeeCampaigns,
  });
  const first = report.data?.pages[0];
  const rows = useMemo(() => report.data?.pages.flatMap((p) => p.rows) ?? [], [report.data]);

  const run = (next: ReportDefinition) => setDefinition(next);
  const sortBy = (by: string, order: 'ASCENDING' | 'DESCENDING') => {
    const sort = by === '' ? null : { by, order };
    const nextState = { ...state, sort };
    setState(nextState);
    if (definition) {
      const { sort: _old, ...rest } = definition;
      setDefinition(sort ? { ...rest, sort } : rest);
    }
  };
  const open = (saved: SavedReport) => {
    setOpened(saved);
    setState(fromDefinition(saved.definition));
    setDefinition(saved.definition);
  };

  if (!can.canSeeCampaigns) {
    return (
      <section className="page">
        <title>{`Reports · ${account.name} · Loupe`}</title>
        <h1>Reports</h1>
        <p>Your role on this ad account does not include reporting. Ask an admin for the Analyst or Campaign manager role.</p>
      </section>
    );
  }

  return (
    <section aria-labelledby="reports-title" className="page page--wide reports-page">
      <title>{`Reports · ${account.name} · Loupe`}</title>
      <div className="page-head">
        <h1 id="reports-title">Reports</h1>
        {opened && <p className="muted">{`Opened: ${opened.name}`}</p>}
      </div>
      <div className="reports-layout">
        <div className="reports-layout__side">
          <ReportBuilder
            state={state}
            onChange={setState}
            accounts={readable}
            homeAccountId={account.id}
            timeZone={account.timezone}
            now={now}
            onRun={run}
            running={report.isFetching && !report.isFetchingNextPage}
          />
          <SavedReports accountId={account.id} timeZone={account.timezone} definition={report.isSuccess ? definition : null} opened={opened} onOpen={open} />
        </div>
        <div className="reports-layout__main">
          {definition === null ? (
            <EmptyState title="Build a report">
              <p>Choose accounts, dates and metrics, then run the report.</p>
            </EmptyState>
          ) : report.isPending ? (
            <Skeleton label="Running the report…" lines={6} />
          ) : report.isError ? (
            <ErrorState title="Could not run the report" error={report.error} onRetry={() => void report.refetch()} />
          ) : first && first.total_rows === 0 ? (
            <EmptyState title="No delivery for this report">
              <p>None of the chosen ad accounts delivered in this period with these filters. Try a longer range, more accounts, or fewer filters.</p>
            </EmptyState>
          ) : first ? (
            <>
              <section aria-labelledby="results-title" className="report-results">
                <div className="report-results__head">
                  <h2 id="results-title">{`Results · ${first.total_rows} ${first.total_rows === 1 ? 'row' : 'rows'}`}</h2>
                  <div className="field-row">
                    <label className="field">
                      <span className="field__label">Sort by</span>
                      <select value={definition.sort?.by ?? ''} onChange={(e) => sortBy(e.target.value, definition.sort?.order ?? 'DESCENDING')}>
                        <option value="">Dimensions</option>
                        {first.columns.map((c) => (
                          <option key={c.name} value={c.name}>
                            {columnLabel(c.name)}
                          </option>
                        ))}
                      </select>
                    </label>
                    <label className="field">
                      <span className="field__label">Order</span>
                      <select value={definition.sort?.order ?? 'DESCENDING'} disabled={!definition.sort} onChange={(e) => sortBy(definition.sort!.by, e.target.value as 'ASCENDING' | 'DESCENDING')}>
                        <option value="DESCENDING">Highest first</option>
                        <option value="ASCENDING">Lowest first</option>
                      </select>
                    </label>
                  </div>
                </div>
                <p className="muted">
                  {`${first.metadata.start_date} → ${first.metadata.end_date}. `}
                  {first.metadata.accounts.map((a) => `${accountNames.get(a.ad_account_id) ?? a.ad_account_id}: ${a.currency}, ${a.timezone}`).join(' · ')}
                  {first.totals.length > 1 && '. Amounts in different currencies are never added: one totals row per currency.'}
                </p>
                {first.metadata.notes.map((note) => (
                  <p key={note} role="note" className="callout callout--warning">
                    {note}
                  </p>
                ))}
                <ReportGrid response={first} rows={rows} accountNames={accountNames} />
                {report.hasNextPage && (
                  <button type="button" className="button" disabled={report.isFetchingNextPage} onClick={() => void report.fetchNextPage()}>
                    {report.isFetchingNextPage ? 'Loading…' : `Load more rows (${rows.length} of ${first.total_rows})`}
                  </button>
                )}
              </section>
              <section aria-labelledby="chart-title" className="report-chart-section">
                <h2 id="chart-title">Chart</h2>
                <ReportChart response={first} rows={rows} metric={chartMetric} onMetric={setChartMetric} accountNames={accountNames} />
              </section>
              <ExportPanel key={JSON.stringify(definition)} definition={definition} accountNames={accountNames} now={now} />
            </>
          ) : null}
        </div>
      </div>
    </section>
  );
}
