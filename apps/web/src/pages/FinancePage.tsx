import { useState } from 'react';
import { Link } from 'react-router';
import { useCurrentAccount } from '../features/ad-accounts/hooks/useAdAccounts';
import { InvoicesSection, RestatementsSection } from '../features/finance/components/InvoicesSection';
import { PeriodsSection } from '../features/finance/components/PeriodsSection';
import { SpendSection } from '../features/finance/components/SpendSection';
import '../features/finance/finance.css';

/** Finance (ADMIN, FINANCE_MANAGER): billed spend, months and their closing, invoices, restatements, CSVs. */
export function FinancePage() {
  const { account, can } = useCurrentAccount();
  const [now] = useState(() => new Date());
  return (
    <section aria-labelledby="finance-title" className="page page--wide">
      <title>{`Finance · ${account.name} · Loupe`}</title>
      <div className="page-head">
        <h1 id="finance-title">Finance</h1>
      </div>
      {!can.canSeeFinance ? (
        <p>
          Your role on this ad account does not include finance. Ask an admin for the Finance manager role, or see the{' '}
          <Link to={`/accounts/${account.id}`}>account’s other screens</Link>.
        </p>
      ) : (
        <>
          <p className="muted">
            Amounts in {account.currency}; months and dates in {account.timezone}.
          </p>
          <SpendSection account={account} now={now} />
          <PeriodsSection account={account} canClose={can.canCloseMonths} />
          <InvoicesSection account={account} />
          <RestatementsSection account={account} />
        </>
      )}
    </section>
  );
}
