import { ApiError, InvalidResponseError, errorMessage } from '../../../lib/apiErrors';

interface Props {
  error: Error;
  onRetry: () => void;
}

export function HealthError({ error, onRetry }: Props) {
  return (
    <div role="alert" className="callout callout--error">
      <h2 className="callout__title">Could not load system status</h2>
      <p>{errorMessage(error)}</p>
      <ErrorDetail error={error} />
      <button type="button" className="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}

function ErrorDetail({ error }: { error: Error }) {
  if (error instanceof ApiError) {
    const code = error.code === null ? '' : `Error code ${error.code} · `;
    return <p className="muted">{`${code}HTTP ${error.status}`}</p>;
  }
  if (error instanceof InvalidResponseError) return <p className="muted">{`HTTP ${error.status}`}</p>;
  return null;
}
