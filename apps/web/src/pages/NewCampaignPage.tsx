import { Link, Navigate, useNavigate } from 'react-router';
import { useCurrentAccount } from '../features/ad-accounts/hooks/useAdAccounts';
import { CampaignWizard } from '../features/campaign-wizard/components/CampaignWizard';

export function NewCampaignPage() {
  const { account, can } = useCurrentAccount();
  const navigate = useNavigate();
  if (!can.canEditCampaigns) return <Navigate to={`/accounts/${account.id}/campaigns`} replace />;
  return (
    <section aria-labelledby="new-campaign-title" className="page page--wide">
      <title>{`New campaign · ${account.name} · Loupe`}</title>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/accounts/${account.id}/campaigns`}>Campaigns</Link> ›
      </nav>
      <h1 id="new-campaign-title">New campaign</h1>
      <CampaignWizard account={account} onLaunched={() => void navigate(`/accounts/${account.id}/campaigns`, { state: { launched: true } })} />
    </section>
  );
}
