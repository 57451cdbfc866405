import { HEALTH_DEPENDENCIES, type HealthResponse } from '@loupe/contracts';
import { errorMessage } from '../../../lib/apiErrors';
import { HEALTH_REFRESH_MS, useHealth } from '../hooks/useHealth';
import { DependencyList } from './DependencyList';
import { DEPENDENCY_LABELS } from './dependencyLabels';
import { HealthError } from './HealthError';
import { HealthSkeleton } from './HealthSkeleton';

/** Live health of this installation's Postgres, Redis and ClickHouse, refreshed every 10 seconds. */
export function SystemStatus() {
  const { data, error, refetch } = useHealth();
  const refresh = () => void refetch({ cancelRefetch: false });

  if (data === undefined) {
    return error ? <HealthError error={error} onRetry={refresh} /> : <HealthSkeleton />;
  }

  return (
    <div className="health">
      <HealthSummary health={data} />
      {error && (
        <div role="alert" className="callout callout--warning">
          <p>The last refresh failed, so this report is from the previous check.</p>
          <p>{errorMessage(error)}</p>
        </div>
      )}
      <DependencyList dependencies={data.dependencies} />
      <div className="health__footer">
        <p className="muted">
          Checked <CheckedAt iso={data.checked_at} />. Refreshes every {HEALTH_REFRESH_MS / 1000} seconds.
        </p>
        <button type="button" className="button" onClick={refresh}>
          Refresh now
        </button>
      </div>
    </div>
  );
}

function HealthSummary({ health }: { health: HealthResponse }) {
  const down = HEALTH_DEPENDENCIES.filter((name) => health.dependencies[name].status === 'down');
  const ok = health.status === 'ok' && down.length === 0;
  const names = new Intl.ListFormat('en', { type: 'conjunction' }).format(down.map((name) => DEPENDENCY_LABELS[name].name));
  const headline = ok
    ? 'All systems operational'
    : down.length === 0
      ? 'Degraded'
      : `${names} ${down.length === 1 ? 'is' : 'are'} down`;
  return (
    // Announced when it changes, which is only when a dependency goes down or comes back.
    <div className={`summary ${ok ? 'summary--ok' : 'summary--down'}`} aria-live="polite">
      <span className="summary__icon" aria-hidden="true">
        {ok ? '✓' : '!'}
      </span>
      <h2 className="summary__title">{headline}</h2>
    </div>
  );
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function CheckedAt({ iso }: { iso: string }) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return <>at {iso}</>;
  return (
    <>
      at <time dateTime={iso}>{timeFormat.format(date)}</time>
    </>
  );
}
