import type { BillableEvent } from '@loupe/auction';
import { newExplainSlot } from '../../src/serving/explain';
import { answerMembers, type IndexedAd, type IndexedAdGroup } from '../../src/serving/serving-index';

/** An ad as the serving index holds it, for unit tests of the serve path (its answer members are set by `indexedAdGroup`). */
export function indexedAd(adId: string, pinId: string): IndexedAd {
  return { adId, pinId, title: 'Sofa', description: null, imageUrl: 'https://cdn.example.com/a.jpg', link: null, answerMembers: '', answerMembersExtraBytes: 0 };
}

/**
 * An ad group as the serving index holds it (USD, UTC, no schedule, no frequency cap,
 * targeting everyone), with its ads' answer members written, for unit tests of the serve
 * path. Only what the serve path reads is set.
 */
export function indexedAdGroup(adGroupId: string, billableEvent: BillableEvent, ads: IndexedAd[], pacing: 'STANDARD' | 'ACCELERATED' = 'ACCELERATED'): IndexedAdGroup {
  const group = {
    adAccountId: '41',
    campaignId: '31',
    adGroupId,
    currency: 'USD',
    currencyJson: '"USD"',
    perUsdMillionths: 1_000_000,
    timezone: 'UTC',
    billableEvent,
    pacing,
    startSeconds: null,
    endSeconds: null,
    lifetimeFrequencyCap: null,
    dailyFrequencyCap: null,
    frequencyCapped: false,
    rule: {},
    ads,
    explainSlot: newExplainSlot(),
  } as unknown as IndexedAdGroup;
  for (const ad of ads) ad.answerMembers = answerMembers(ad, adGroupId, group.campaignId, group.adAccountId, billableEvent);
  return group;
}
