import { Link, Navigate, NavLink, Outlet, useLocation, useParams } from 'react-router';
import { ErrorState, Skeleton } from '../components/States';
import { AccountSwitcher } from '../features/ad-accounts/components/AccountSwitcher';
import { CurrentAccountContext, currentAccountValue, useAdAccounts, useCurrentAccount } from '../features/ad-accounts/hooks/useAdAccounts';

/** The frame of every ad account screen: which account, the person's role on it, and its sections. */
export function AccountLayout() {
  const { adAccountId } = useParams();
  const { pathname } = useLocation();
  const { data, error, refetch } = useAdAccounts();
  if (data === undefined) {
    return error ? <ErrorState title="Could not load your ad accounts" error={error} onRetry={() => void refetch()} /> : <Skeleton label="Loading the ad account…" />;
  }
  const account = data.find((a) => a.id === adAccountId);
  // An account the person has no role on is not revealed, exactly as the API answers 404.
  if (!account) {
    return (
      <section className="page">
        <title>Ad account not found · Loupe</title>
        <h1>Ad account not found</h1>
        <p>You have no role on an ad account with this id, or it does not exist.</p>
        <p>
          <Link to="/accounts">See your ad accounts</Link>
        </p>
      </section>
    );
  }
  const value = currentAccountValue(account);
  const segment = pathname.split('/')[3];
  const section = segment === 'settings' || segment === 'overview' || segment === 'finance' || segment === 'reports' ? segment : 'campaigns';
  return (
    <CurrentAccountContext.Provider value={value}>
      <div className="account-bar">
        <AccountSwitcher accounts={data} current={account} section={section} />
        <nav aria-label="Account sections">
          <ul className="nav-list">
            {value.can.canSeeCampaigns && (
              <li>
                <NavLink to={`/accounts/${account.id}/overview`} className="nav-link">
                  Overview
                </NavLink>
              </li>
            )}
            {value.can.canSeeCampaigns && (
              <li>
                <NavLink to={`/accounts/${account.id}/campaigns`} className="nav-link">
                  Campaigns
                </NavLink>
              </li>
            )}
            {value.can.canSeeCampaigns && (
              <li>
                <NavLink to={`/accounts/${account.id}/reports`} className="nav-link">
                  Reports
                </NavLink>
              </li>
            )}
            {value.can.canSeeFinance && (
              <li>
                <NavLink to={`/accounts/${account.id}/finance`} className="nav-link">
                  Finance
                </NavLink>
              </li>
            )}
            <li>
              <NavLink to={`/accounts/${account.id}/settings`} className="nav-link">
                Settings
              </NavLink>
            </li>
          </ul>
        </nav>
      </div>
      <Outlet />
    </CurrentAccountContext.Provider>
  );
}

/** An account's landing tab: the overview for roles that read reporting, finance for a finance manager, else settings. */
export function AccountIndex() {
  const { can } = useCurrentAccount();
  return <Navigate to={can.canSeeCampaigns ? 'overview' : can.canSeeFinance ? 'finance' : 'settings'} replace />;
}
