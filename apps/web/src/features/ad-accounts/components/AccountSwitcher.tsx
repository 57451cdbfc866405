import { type AdAccount } from '@loupe/contracts';
import { useNavigate } from 'react-router';
import { ROLE_LABELS, abilities } from '../api/adAccounts';

/** Switches between the ad accounts the person has a role on, keeping the screen (campaigns, settings). */
export function AccountSwitcher({ accounts, current, section }: { accounts: AdAccount[]; current: AdAccount; section: string }) {
  const navigate = useNavigate();
  return (
    <label className="account-switcher">
      <span className="visually-hidden">Switch ad account</span>
      <select
        value={current.id}
        onChange={(event) => {
          const target = event.target.value;
          if (target === '__new') void navigate('/accounts?create=1');
          else void navigate(`/accounts/${target}/${section}`);
        }}
      >
        {accounts.map((account) => {
          const role = abilities(account).role;
          return (
            <option key={account.id} value={account.id}>
              {`${account.name} · ${account.currency}${role ? ` · ${ROLE_LABELS[role]}` : ''}`}
            </option>
          );
        })}
        <option value="__new">+ Create ad account…</option>
      </select>
    </label>
  );
}
