import { type TargetingSpec } from '@loupe/contracts';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../../lib/apiErrors';
import { formatCompact } from '../../../lib/format';
import { sizeAudience } from '../api';

/** Live monthly reach of the targeting, asked of the API a moment after the person stops changing it. */
export function AudienceEstimate({ accountId, spec }: { accountId: string; spec: TargetingSpec }) {
  const key = JSON.stringify(spec);
  const [settled, setSettled] = useState(key);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(key), 400);
    return () => clearTimeout(timer);
  }, [key]);
  const { data, error, isFetching } = useQuery({
    queryKey: ['ad-accounts', accountId, 'audience-size', settled],
    queryFn: ({ signal }) => sizeAudience(accountId, JSON.parse(settled) as TargetingSpec, signal),
    staleTime: 5 * 60_000,
    placeholderData: (previous) => previous,
  });
  const updating = key !== settled || isFetching;
  return (
    <aside className="audience-estimate" aria-label="Estimated audience" aria-live="polite" aria-busy={updating}>
      <h3>Estimated audience</h3>
      {error ? (
        <p className="field__error">{errorMessage(error)}</p>
      ) : data ? (
        <p className="audience-estimate__value">
          {data.audience_size_upper_bound <= 1000
            ? 'Fewer than 1,000 people a month'
            : `${formatCompact(data.audience_size_lower_bound)} – ${formatCompact(data.audience_size_upper_bound)} people a month`}
        </p>
      ) : (
        <p className="muted">Estimating…</p>
      )}
      <p className="muted">{updating && data ? 'Updating…' : 'How many people this targeting can reach in a month.'}</p>
    </aside>
  );
}
