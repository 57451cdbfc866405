import type { EntityManager } from 'typeorm';
import { decodeBookmark } from './pagination';

/** Tables that hold an ad account's objects; names reach SQL only from this list. */
export type AccountTable = 'campaigns' | 'ad_groups' | 'ads';

export interface AccountListQuery {
  adAccountId: string;
  /** Column → allowed values (e.g. `{ campaign_id: ['1','2'] }`); ANDed together. */
  filters?: Partial<Record<'id' | 'campaign_id' | 'ad_group_id' | 'status', readonly string[] | undefined>>;
  order?: 'ASCENDING' | 'DESCENDING';
  bookmark?: string;
  pageSize: number;
}

/**
 * Keyset-paginated list of one ad account's rows, as every Pinterest list endpoint
 * needs: filters by id lists and statuses, ASCENDING/DESCENDING by id, and one extra
 * row fetched to know whether a next page exists (see `toPage`).
 */
export async function listAccountRows<T>(manager: EntityManager, table: AccountTable, query: AccountListQuery): Promise<T[]> {
  const params: unknown[] = [query.adAccountId];
  const where = ['ad_account_id = $1'];
  for (const [column, values] of Object.entries(query.filters ?? {})) {
    if (!values) continue;
    params.push(values);
    where.push(`${column}${column === 'status' ? '' : '::text'} = ANY($${params.length})`);
  }
  const descending = query.order === 'DESCENDING';
  const after = decodeBookmark(query.bookmark);
  if (after !== undefined) {
    params.push(after);
    where.push(`id ${descending ? '<' : '>'} $${params.length}`);
  }
  params.push(query.pageSize + 1);
  return manager.query<T[]>(
    `SELECT * FROM ${table} WHERE ${where.join(' AND ')} ORDER BY id ${descending ? 'DESC' : 'ASC'} LIMIT $${params.length}`,
    params,
  );
}
