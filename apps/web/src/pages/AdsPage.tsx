import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { EmptyState, ErrorState, Skeleton } from '../components/States';
import { useCurrentAccount } from '../features/ad-accounts/hooks/useAdAccounts';
import { fetchAdGroup } from '../features/campaigns/api/campaigns';
import { adColumns } from '../features/campaigns/components/columns';
import { EntityTable } from '../features/campaigns/components/EntityTable';
import { StatusBadge } from '../features/campaigns/components/StatusBadge';

export function AdsPage() {
  const { adGroupId = '' } = useParams();
  const { account } = useCurrentAccount();
  const adGroup = useQuery({
    queryKey: ['ad-accounts', account.id, 'ad_groups', adGroupId],
    queryFn: ({ signal }) => fetchAdGroup(account.id, adGroupId, signal),
  });
  const columns = useMemo(() => adColumns({ accountId: account.id, currency: account.currency, timezone: account.timezone }), [account]);
  const parentIds = useMemo(() => ({ key: 'ad_group_ids' as const, ids: [adGroupId] }), [adGroupId]);
  return (
    <section aria-labelledby="ads-title" className="page page--wide">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/accounts/${account.id}/campaigns`}>Campaigns</Link>
        {adGroup.data && (
          <>
            {' › '}
            <Link to={`/accounts/${account.id}/campaigns/${adGroup.data.campaign_id}`}>Campaign</Link>
          </>
        )}{' '}
        ›
      </nav>
      {adGroup.data ? (
        <>
          <title>{`${adGroup.data.name} · Loupe`}</title>
          <div className="page-head">
            <h1 id="ads-title">{adGroup.data.name}</h1>
            <StatusBadge status={adGroup.data.summary_status} />
            <Link to={`/accounts/${account.id}/ad_groups/${adGroup.data.id}/delivery`} className="button button--quiet">
              Why isn’t it delivering?
            </Link>
          </div>
        </>
      ) : adGroup.error ? (
        <ErrorState title="Could not load the ad group" error={adGroup.error} onRetry={() => void adGroup.refetch()} />
      ) : (
        <Skeleton label="Loading the ad group…" lines={1} />
      )}
      <h2>Ads</h2>
      <EntityTable
        level="ads"
        noun="ads"
        columns={columns}
        parentIds={parentIds}
        empty={
          <EmptyState title="This ad group has no ads">
            <p>Ads are promoted pins. Create one with the new-campaign wizard.</p>
          </EmptyState>
        }
      />
    </section>
  );
}
