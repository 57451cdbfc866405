import type { AdAccountRole } from '@loupe/contracts';
import { NotFoundException, PermissionDeniedException } from '@loupe/server-core';
import type { DataSource } from 'typeorm';
import { roleAllows } from '../auth/permissions';

export interface ReportAccount {
  id: string;
  currency: string;
  timezone: string;
  role: AdAccountRole;
}

/**
 * The ad accounts of a report, each checked against the caller's role: 404 naming
 * the accounts that do not exist or the caller is not a member of (the two look the
 * same, so a foreign account's existence is not revealed), 403 naming those whose role
 * does not allow reading analytics. Returned in id order.
 */
export async function reportAccounts(dataSource: DataSource, userId: string, adAccountIds: readonly string[]): Promise<ReportAccount[]> {
  const ids = [...new Set(adAccountIds)];
  const rows = await dataSource.query<ReportAccount[]>(
    `SELECT a.id::text AS id, trim(a.currency) AS currency, a.timezone, m.role
       FROM ad_accounts a JOIN ad_account_members m ON m.ad_account_id = a.id AND m.user_id = $1
      WHERE a.id = ANY($2::bigint[]) ORDER BY a.id`,
    [userId, ids],
  );
  const found = new Set(rows.map((r) => r.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw new NotFoundException(`Ad account ${missing.join(', ')} not found.`);
  const denied = rows.filter((r) => !roleAllows(r.role, 'analytics:read'));
  if (denied.length > 0) {
    throw new PermissionDeniedException(`Your role on ad account ${denied.map((r) => `${r.id} (${r.role})`).join(', ')} does not allow reading analytics.`);
  }
  return rows;
}
