import { type Campaign } from '@loupe/contracts';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '../components/States';
import { useCurrentAccount } from '../features/ad-accounts/hooks/useAdAccounts';
import { campaignColumns } from '../features/campaigns/components/columns';
import { EntityTable } from '../features/campaigns/components/EntityTable';
import { type MoneyField } from '../features/campaigns/components/MoneyEditForm';

const capFields = (c: Campaign): MoneyField[] => [
  { name: 'daily_spend_cap', label: 'Daily spend cap', micros: c.daily_spend_cap, required: false, hint: 'Empty for no cap.' },
  { name: 'lifetime_spend_cap', label: 'Lifetime spend cap', micros: c.lifetime_spend_cap, required: false, hint: 'Empty for no cap.' },
];

export function CampaignsPage() {
  const { account, can } = useCurrentAccount();
  const columns = useMemo(() => campaignColumns({ accountId: account.id, currency: account.currency, timezone: account.timezone }), [account]);
  const newLink = `/accounts/${account.id}/campaigns/new`;
  return (
    <section aria-labelledby="campaigns-title" className="page page--wide">
      <title>{`Campaigns · ${account.name} · Loupe`}</title>
      <div className="page-head">
        <h1 id="campaigns-title">Campaigns</h1>
        {can.canEditCampaigns && (
          <Link to={newLink} className="button button--primary">
            New campaign
          </Link>
        )}
      </div>
      {!can.canSeeCampaigns ? (
        <p>Your role on this ad account does not include campaigns. Ask an admin for the Analyst or Campaign manager role.</p>
      ) : (
        <>
          <p className="muted">
            Amounts in {account.currency}; dates in {account.timezone}. Metrics per row cover the chosen range (the analytics API keeps the last 90 days).
          </p>
          <EntityTable
            level="campaigns"
            noun="campaigns"
            columns={columns}
            editFields={capFields}
            empty={
              <EmptyState title="No campaigns here yet">
                {can.canEditCampaigns ? (
                  <p>
                    <Link to={newLink}>Create your first campaign</Link>: pick an objective, a budget, who should see it and the pin to promote.
                  </p>
                ) : (
                  <p>Nothing matches this filter. Campaigns that managers of this account create will appear here.</p>
                )}
              </EmptyState>
            }
          />
        </>
      )}
    </section>
  );
}
