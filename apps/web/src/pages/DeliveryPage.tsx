import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorState, Skeleton } from '../components/States';
import { useCurrentAccount } from '../features/ad-accounts/hooks/useAdAccounts';
import { fetchAdGroup } from '../features/campaigns/api/campaigns';
import { fetchDeliveryDiagnostics } from '../features/delivery/api';
import { DeliveryDiagnosticsView } from '../features/delivery/components/DeliveryDiagnosticsView';
import { addDays } from '../features/overview/dateRange';
import { todayIn } from '../lib/format';

/** The API keeps the counters 35 days and answers at most 31 a request. */
const RANGES = [
  { days: 1, label: 'Today' },
  { days: 7, label: 'Last 7 days' },
  { days: 30, label: 'Last 30 days' },
] as const;

/** "Why isn't my ad delivering?" for one ad group. */
export function DeliveryPage() {
  const { adGroupId = '' } = useParams();
  const { account, can } = useCurrentAccount();
  const id = useId();
  const [days, setDays] = useState<number>(7);
  const today = todayIn(account.timezone);
  const range = { start: addDays(today, -(days - 1)), end: today };
  const adGroup = useQuery({
    queryKey: ['ad-accounts', account.id, 'ad_groups', adGroupId],
    queryFn: ({ signal }) => fetchAdGroup(account.id, adGroupId, signal),
  });
  const diagnostics = useQuery({
    queryKey: ['ad-accounts', account.id, 'ad_groups', adGroupId, 'delivery', range],
    queryFn: ({ signal }) => fetchDeliveryDiagnostics(account.id, adGroupId, range, signal),
  });
  const name = adGroup.data?.name ?? `Ad group ${adGroupId}`;
  return (
    <section aria-labelledby="delivery-title" className="page page--wide">
      <title>{`Delivery · ${name} · Loupe`}</title>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/accounts/${account.id}/campaigns`}>Campaigns</Link> ›{' '}
        {adGroup.data && (
          <>
            <Link to={`/accounts/${account.id}/campaigns/${adGroup.data.campaign_id}`}>Campaign</Link> ›{' '}
          </>
        )}
        <Link to={`/accounts/${account.id}/ad_groups/${adGroupId}`}>{name}</Link> ›
      </nav>
      <div className="page-head">
        <h1 id="delivery-title">Why isn’t my ad delivering?</h1>
      </div>
      <p className="muted">{`${name} · days in ${account.timezone} · amounts in ${account.currency}`}</p>
      <div className="field range-select">
        <label htmlFor={`${id}-range`} className="field__label">
          Period
        </label>
        <select id={`${id}-range`} value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {RANGES.map((r) => (
            <option key={r.days} value={r.days}>
              {r.label}
            </option>
          ))}
        </select>
      </div>
      {diagnostics.error ? (
        <ErrorState title="Could not load the delivery diagnostics" error={diagnostics.error} onRetry={() => void diagnostics.refetch()} />
      ) : !diagnostics.data ? (
        <Skeleton label="Loading the delivery diagnostics…" lines={5} />
      ) : (
        <DeliveryDiagnosticsView
          diagnostics={diagnostics.data}
          editLink={can.canEditCampaigns && adGroup.data ? `/accounts/${account.id}/campaigns/${adGroup.data.campaign_id}` : null}
        />
      )}
    </section>
  );
}
