import {
  adBulkResponseSchema,
  adGroupBulkResponseSchema,
  audienceSizingResponseSchema,
  bidFloorResponseSchema,
  type BillableEvent,
  campaignBulkResponseSchema,
  pinSchema,
  type AdGroupCreateItem,
  type CampaignCreateItem,
  type PinCreateBody,
  type TargetingSpec,
} from '@loupe/contracts';
import { apiFetch } from '../../lib/api';
import { singleBulkItem } from '../../lib/bulk';

export function sizeAudience(accountId: string, spec: TargetingSpec, signal?: AbortSignal) {
  return apiFetch(`/v5/ad_accounts/${accountId}/ad_groups/audience_sizing`, audienceSizingResponseSchema, {
    method: 'POST',
    json: { targeting_spec: spec },
    signal,
  });
}

export async function createCampaign(accountId: string, item: CampaignCreateItem) {
  return singleBulkItem(await apiFetch(`/v5/ad_accounts/${accountId}/campaigns`, campaignBulkResponseSchema, { method: 'POST', json: [item] }));
}

export async function createAdGroup(accountId: string, item: AdGroupCreateItem) {
  return singleBulkItem(await apiFetch(`/v5/ad_accounts/${accountId}/ad_groups`, adGroupBulkResponseSchema, { method: 'POST', json: [item] }));
}

export function createPin(accountId: string, body: PinCreateBody) {
  return apiFetch(`/v5/pins?ad_account_id=${accountId}`, pinSchema, { method: 'POST', json: body });
}

export async function createAd(accountId: string, item: { ad_group_id: string; pin_id: string; creative_type: 'REGULAR'; destination_url: string | null; name: string; status: 'ACTIVE' }) {
  return singleBulkItem(await apiFetch(`/v5/ad_accounts/${accountId}/ads`, adBulkResponseSchema, { method: 'POST', json: [item] }));
}

/** The lowest bid the auction accepts for this billable event on some placement (ALL answers the lowest placement floor). */
export async function fetchBidFloor(accountId: string, billableEvent: BillableEvent, signal?: AbortSignal): Promise<number> {
  const answer = await apiFetch(`/v5/ad_accounts/${accountId}/bid_floor`, bidFloorResponseSchema, {
    method: 'POST',
    json: { bid_floor_specs: [{ billable_event: billableEvent, placement_group: 'ALL' }] },
    signal,
  });
  return answer.bid_floors[0] ?? 0;
}
