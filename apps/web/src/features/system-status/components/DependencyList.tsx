import { HEALTH_DEPENDENCIES, type HealthResponse } from '@loupe/contracts';
import { DEPENDENCY_LABELS } from './dependencyLabels';

type Dependencies = HealthResponse['dependencies'];

export function DependencyList({ dependencies }: { dependencies: Dependencies }) {
  return (
    <ul className="dependency-list">
      {HEALTH_DEPENDENCIES.map((key) => {
        const { status, latency_ms, message } = dependencies[key];
        const { name, role } = DEPENDENCY_LABELS[key];
        const titleId = `dependency-${key}`;
        return (
          <li key={key} className="dependency" aria-labelledby={titleId}>
            <div className="dependency__head">
              <h3 id={titleId} className="dependency__name">
                {name}
              </h3>
              <span className={`badge badge--${status}`}>{status === 'up' ? 'Up' : 'Down'}</span>
            </div>
            <p className="dependency__role muted">{role}</p>
            <p className="dependency__latency">
              Latency: <strong>{formatLatency(latency_ms)}</strong>
            </p>
            {message && <p className="dependency__message">{message}</p>}
          </li>
        );
      })}
    </ul>
  );
}

const precise = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });

export function formatLatency(ms: number | null): string {
  if (ms === null) return 'not measured';
  return `${(ms < 10 ? precise : whole).format(ms)} ms`;
}
