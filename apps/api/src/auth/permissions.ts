import type { AdAccountRole } from '@loupe/contracts';

/**
 * What each role may do on an ad account — the one table every tenant-scoped route
 * refers to (through `@Route({ access: adAccount('...') })`).
 */
export const PERMISSIONS = {
  'ad_account:read': ['ADMIN', 'CAMPAIGN_MANAGER', 'ANALYST', 'FINANCE_MANAGER'],
  'ad_account:write': ['ADMIN'],
  'campaigns:read': ['ADMIN', 'CAMPAIGN_MANAGER', 'ANALYST'],
  'campaigns:write': ['ADMIN', 'CAMPAIGN_MANAGER'],
  'members:read': ['ADMIN', 'CAMPAIGN_MANAGER', 'ANALYST', 'FINANCE_MANAGER'],
  'members:write': ['ADMIN'],
  'audit:read': ['ADMIN', 'CAMPAIGN_MANAGER', 'ANALYST'],
  /** Pinterest: analytics are for Admin, Analyst and Campaign Manager. */
  'analytics:read': ['ADMIN', 'CAMPAIGN_MANAGER', 'ANALYST'],
  /** Sending conversion events (Pinterest's conversions API). */
  'conversions:write': ['ADMIN', 'CAMPAIGN_MANAGER'],
  /** Billed spend, invoices and their CSVs: finance's figures, not the analysts'. */
  'finance:read': ['ADMIN', 'FINANCE_MANAGER'],
  /** Closing a month freezes what is billed for it. */
  'finance:write': ['ADMIN', 'FINANCE_MANAGER'],
} as const satisfies Record<string, readonly AdAccountRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function roleAllows(role: AdAccountRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly AdAccountRole[]).includes(role);
}
