import { type AdGroup } from '@loupe/contracts';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { EmptyState, ErrorState, Skeleton } from '../components/States';
import { useCurrentAccount } from '../features/ad-accounts/hooks/useAdAccounts';
import { fetchCampaign } from '../features/campaigns/api/campaigns';
import { adGroupColumns } from '../features/campaigns/components/columns';
import { EntityTable } from '../features/campaigns/components/EntityTable';
import { type MoneyField } from '../features/campaigns/components/MoneyEditForm';
import { StatusBadge } from '../features/campaigns/components/StatusBadge';

const budgetFields = (g: AdGroup): MoneyField[] => [
  {
    name: 'budget_in_micro_currency',
    label: g.budget_type === 'DAILY' ? 'Daily budget' : 'Lifetime budget',
    micros: g.budget_in_micro_currency,
    required: true,
  },
  {
    name: 'bid_in_micro_currency',
    label: g.billable_event === 'IMPRESSION' ? 'Max bid per 1,000 impressions' : 'Max bid per click',
    micros: g.bid_in_micro_currency,
    required: g.bid_strategy_type !== 'AUTOMATIC_BID',
    hint: g.bid_strategy_type === 'AUTOMATIC_BID' ? 'Automatic bidding: leave empty.' : 'At least the bid floor; at most the budget.',
  },
];

export function AdGroupsPage() {
  const { campaignId = '' } = useParams();
  const { account } = useCurrentAccount();
  const campaign = useQuery({
    queryKey: ['ad-accounts', account.id, 'campaigns', campaignId],
    queryFn: ({ signal }) => fetchCampaign(account.id, campaignId, signal),
  });
  const columns = useMemo(() => adGroupColumns({ accountId: account.id, currency: account.currency, timezone: account.timezone }), [account]);
  const parentIds = useMemo(() => ({ key: 'campaign_ids' as const, ids: [campaignId] }), [campaignId]);
  return (
    <section aria-labelledby="adgroups-title" className="page page--wide">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/accounts/${account.id}/campaigns`}>Campaigns</Link> ›
      </nav>
      {campaign.data ? (
        <>
          <title>{`${campaign.data.name} · Loupe`}</title>
          <div className="page-head">
            <h1 id="adgroups-title">{campaign.data.name}</h1>
            <StatusBadge status={campaign.data.summary_status} />
          </div>
        </>
      ) : campaign.error ? (
        <ErrorState title="Could not load the campaign" error={campaign.error} onRetry={() => void campaign.refetch()} />
      ) : (
        <Skeleton label="Loading the campaign…" lines={1} />
      )}
      <h2 id="adgroups-title-list">Ad groups</h2>
      <EntityTable
        level="ad_groups"
        noun="ad groups"
        columns={columns}
        parentIds={parentIds}
        editFields={budgetFields}
        empty={
          <EmptyState title="This campaign has no ad groups">
            <p>An ad group holds the budget, bid and targeting. Launch one with the new-campaign wizard.</p>
          </EmptyState>
        }
      />
    </section>
  );
}
