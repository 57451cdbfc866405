import { useQuery } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { type AdAccount } from '@loupe/contracts';
import { abilities, adAccountsQueryKey, fetchAdAccounts, type AccountAbilities } from '../api/adAccounts';

export function useAdAccounts() {
  return useQuery({ queryKey: adAccountsQueryKey, queryFn: ({ signal }) => fetchAdAccounts(signal) });
}

export interface CurrentAccount {
  account: AdAccount;
  can: AccountAbilities;
}

export const CurrentAccountContext = createContext<CurrentAccount | null>(null);

export function currentAccountValue(account: AdAccount): CurrentAccount {
  return { account, can: abilities(account) };
}

/** The ad account of the route the screen is on (set by AccountLayout). */
export function useCurrentAccount(): CurrentAccount {
  const value = useContext(CurrentAccountContext);
  if (!value) throw new Error('useCurrentAccount is used outside an ad account route.');
  return value;
}
