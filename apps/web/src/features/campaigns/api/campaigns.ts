import {
  adBulkResponseSchema,
  adGroupBulkResponseSchema,
  adGroupPageSchema,
  adGroupSchema,
  adPageSchema,
  campaignBulkResponseSchema,
  campaignPageSchema,
  campaignSchema,
  type AdGroupUpdateItem,
  type BulkItem,
  type AdUpdateItem,
  type CampaignUpdateItem,
  type EntityStatus,
  type Page,
} from '@loupe/contracts';
import { type z } from 'zod';
import { apiFetch } from '../../../lib/api';
import { bulkOutcome, singleBulkItem } from '../../../lib/bulk';

export type Level = 'campaigns' | 'ad_groups' | 'ads';

export interface PageRequest {
  bookmark: string | null;
  pageSize: number;
  /** The API orders by id, i.e. by creation; newest first is DESCENDING. */
  order: 'ASCENDING' | 'DESCENDING';
  statuses: readonly EntityStatus[];
  /** campaign_ids for ad groups, ad_group_ids for ads. */
  parentIds?: { key: 'campaign_ids' | 'ad_group_ids'; ids: string[] };
  signal?: AbortSignal;
}

const PAGE_SCHEMAS = { campaigns: campaignPageSchema, ad_groups: adGroupPageSchema, ads: adPageSchema } as const;
export type RowOf<L extends Level> = z.output<(typeof PAGE_SCHEMAS)[L]>['items'][number];

export function fetchPage<L extends Level>(accountId: string, level: L, request: PageRequest): Promise<Page<RowOf<L>>> {
  const query = new URLSearchParams({ page_size: String(request.pageSize), order: request.order, entity_statuses: request.statuses.join(',') });
  if (request.bookmark) query.set('bookmark', request.bookmark);
  if (request.parentIds) query.set(request.parentIds.key, request.parentIds.ids.join(','));
  return apiFetch(`/v5/ad_accounts/${accountId}/${level}?${query}`, PAGE_SCHEMAS[level] as z.ZodType<Page<RowOf<L>>>, { signal: request.signal });
}

export function fetchCampaign(accountId: string, campaignId: string, signal?: AbortSignal) {
  return apiFetch(`/v5/ad_accounts/${accountId}/campaigns/${campaignId}`, campaignSchema, { signal });
}

export function fetchAdGroup(accountId: string, adGroupId: string, signal?: AbortSignal) {
  return apiFetch(`/v5/ad_accounts/${accountId}/ad_groups/${adGroupId}`, adGroupSchema, { signal });
}

type UpdateItem = { campaigns: CampaignUpdateItem; ad_groups: AdGroupUpdateItem; ads: AdUpdateItem };
const BULK_SCHEMAS = { campaigns: campaignBulkResponseSchema, ad_groups: adGroupBulkResponseSchema, ads: adBulkResponseSchema } as const;

/** PATCH of one object; its exception (budget too low, bid under the floor…) is thrown as an ApiError. */
export async function updateOne<L extends Level>(accountId: string, level: L, item: Partial<UpdateItem[L]> & { id: string }) {
  const schema = BULK_SCHEMAS[level] as z.ZodType<{ items: BulkItem<RowOf<L>>[] }>;
  return singleBulkItem(await apiFetch(`/v5/ad_accounts/${accountId}/${level}`, schema, { method: 'PATCH', json: [item] }));
}

/** Sets the status of many objects, 30 per request (the API's bulk limit); reports which failed. */
export async function setStatuses(accountId: string, level: Level, ids: string[], status: 'ACTIVE' | 'PAUSED') {
  const failed: { id: string; message: string }[] = [];
  for (let start = 0; start < ids.length; start += 30) {
    const chunk = ids.slice(start, start + 30);
    const answer: { items: BulkItem<unknown>[] } = await apiFetch(`/v5/ad_accounts/${accountId}/${level}`, BULK_SCHEMAS[level] as z.ZodType<{ items: BulkItem<unknown>[] }>, {
      method: 'PATCH',
      json: chunk.map((id) => ({ id, status })),
    });
    for (const failure of bulkOutcome<unknown>(answer).failed) failed.push({ id: chunk[failure.index]!, message: failure.message });
  }
  return failed;
}
