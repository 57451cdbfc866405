import { useCurrentAccount } from '../features/ad-accounts/hooks/useAdAccounts';
import { AccountDetails } from '../features/settings/components/AccountDetails';
import { ApiTokens } from '../features/settings/components/ApiTokens';
import { Members } from '../features/settings/components/Members';

export function SettingsPage() {
  const { account } = useCurrentAccount();
  return (
    <section aria-labelledby="settings-title" className="page page--wide">
      <title>{`Settings · ${account.name} · Loupe`}</title>
      <h1 id="settings-title">Settings</h1>
      <AccountDetails key={account.id} />
      <Members />
      <ApiTokens />
    </section>
  );
}
