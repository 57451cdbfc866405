import { HEALTH_DEPENDENCIES } from '@loupe/contracts';

export function HealthSkeleton() {
  return (
    <div className="health" role="status">
      <span className="visually-hidden">Loading system status…</span>
      <div aria-hidden="true">
        <div className="skeleton skeleton--summary" />
        <ul className="dependency-list">
          {HEALTH_DEPENDENCIES.map((key) => (
            <li key={key} className="dependency">
              <div className="skeleton skeleton--line" />
              <div className="skeleton skeleton--line skeleton--short" />
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
