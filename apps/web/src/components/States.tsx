import { type ReactNode } from 'react';
import { ApiError, errorMessage } from '../lib/apiErrors';

/** Grey bars where content will be, announced once to screen readers. */
export function Skeleton({ label, lines = 3 }: { label: string; lines?: number }) {
  return (
    <div role="status" className="skeleton-block">
      <span className="visually-hidden">{label}</span>
      <div aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => (
          <div key={i} className={`skeleton skeleton--line${i === lines - 1 ? ' skeleton--short' : ''}`} />
        ))}
      </div>
    </div>
  );
}

export function ErrorState({ title, error, onRetry }: { title: string; error: unknown; onRetry?: () => void }) {
  return (
    <div role="alert" className="callout callout--error">
      <h2 className="callout__title">{title}</h2>
      <p>{errorMessage(error)}</p>
      {error instanceof ApiError && <p className="muted">{`${error.code === null ? '' : `Error code ${error.code} · `}HTTP ${error.status}`}</p>}
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="empty-state">
      <h2>{title}</h2>
      {children}
    </div>
  );
}
