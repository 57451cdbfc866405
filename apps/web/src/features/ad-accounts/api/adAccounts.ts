import {
  adAccountPageSchema,
  adAccountSchema,
  PAGE_SIZE_MAX,
  type AdAccount,
  type AdAccountCreateBody,
  type AdAccountRole,
  type AdAccountUpdateBody,
} from '@loupe/contracts';
import { apiFetch } from '../../../lib/api';

export const adAccountsQueryKey = ['ad-accounts'] as const;
export const adAccountQueryKey = (id: string) => ['ad-accounts', id] as const;

/** Every ad account the person has a role on (a user owns at most 50; shared ones follow the bookmark). */
export async function fetchAdAccounts(signal?: AbortSignal): Promise<AdAccount[]> {
  const all: AdAccount[] = [];
  let bookmark: string | null = null;
  do {
    const query = new URLSearchParams({ page_size: String(PAGE_SIZE_MAX) });
    if (bookmark) query.set('bookmark', bookmark);
    const page = await apiFetch(`/v5/ad_accounts?${query}`, adAccountPageSchema, { signal });
    all.push(...page.items);
    bookmark = page.bookmark;
  } while (bookmark);
  return all;
}

export function fetchAdAccount(id: string, signal?: AbortSignal) {
  return apiFetch(`/v5/ad_accounts/${id}`, adAccountSchema, { signal });
}

export function createAdAccount(body: AdAccountCreateBody) {
  return apiFetch('/v5/ad_accounts', adAccountSchema, { method: 'POST', json: body });
}

export function updateAdAccount(id: string, body: AdAccountUpdateBody) {
  return apiFetch(`/v5/ad_accounts/${id}`, adAccountSchema, { method: 'PATCH', json: body });
}

/** What the caller's roles on an ad account let them do (docs/api.md, "Roles and tenancy"). */
export interface AccountAbilities {
  role: AdAccountRole | null;
  canEditCampaigns: boolean;
  canSeeCampaigns: boolean;
  canManageMembers: boolean;
  canEditAccount: boolean;
  /** finance:read: billed spend, invoices, restatements and their CSVs. */
  canSeeFinance: boolean;
  /** finance:write: closing a month. */
  canCloseMonths: boolean;
}

export function abilities(account: Pick<AdAccount, 'permissions'>): AccountAbilities {
  const has = (role: AdAccountRole) => account.permissions.includes(role);
  const admin = has('ADMIN');
  return {
    role: (['ADMIN', 'CAMPAIGN_MANAGER', 'ANALYST', 'FINANCE_MANAGER'] as const).find(has) ?? null,
    canEditCampaigns: admin || has('CAMPAIGN_MANAGER'),
    canSeeCampaigns: admin || has('CAMPAIGN_MANAGER') || has('ANALYST'),
    canManageMembers: admin,
    canEditAccount: admin,
    canSeeFinance: admin || has('FINANCE_MANAGER'),
    canCloseMonths: admin || has('FINANCE_MANAGER'),
  };
}

export const ROLE_LABELS: Record<AdAccountRole, string> = {
  ADMIN: 'Admin',
  CAMPAIGN_MANAGER: 'Campaign manager',
  ANALYST: 'Analyst',
  FINANCE_MANAGER: 'Finance manager',
};
