import { Link, useNavigate, useSearchParams } from 'react-router';
import { EmptyState, ErrorState, Skeleton } from '../components/States';
import { ROLE_LABELS, abilities } from '../features/ad-accounts/api/adAccounts';
import { CreateAdAccountForm } from '../features/ad-accounts/components/CreateAdAccountForm';
import { useAdAccounts } from '../features/ad-accounts/hooks/useAdAccounts';

export function AccountsPage() {
  const { data, error, refetch } = useAdAccounts();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const creating = params.get('create') === '1' || data?.length === 0;
  return (
    <section aria-labelledby="accounts-title" className="page">
      <title>Ad accounts · Loupe</title>
      <h1 id="accounts-title">Ad accounts</h1>
      {data === undefined ? (
        error ? (
          <ErrorState title="Could not load your ad accounts" error={error} onRetry={() => void refetch()} />
        ) : (
          <Skeleton label="Loading ad accounts…" />
        )
      ) : data.length === 0 ? (
        <EmptyState title="You have no ad account yet">
          <p>Create one below, or ask a colleague to invite you to theirs.</p>
        </EmptyState>
      ) : (
        <ul className="card-list">
          {data.map((account) => {
            const role = abilities(account).role;
            return (
              <li key={account.id} className="card">
                <Link to={`/accounts/${account.id}`} className="card__title">
                  {account.name}
                </Link>
                <p className="muted">
                  {account.currency} · {account.timezone}
                  {role && ` · ${ROLE_LABELS[role]}`}
                </p>
              </li>
            );
          })}
        </ul>
      )}
      {data !== undefined && (
        <details open={creating} className="panel">
          <summary>Create an ad account</summary>
          <CreateAdAccountForm onCreated={(account) => void navigate(`/accounts/${account.id}/campaigns`)} />
        </details>
      )}
    </section>
  );
}
