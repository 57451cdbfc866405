import { loadConfig, testEnv } from '@loupe/server-core';
import type { ServeBody } from '@loupe/contracts';
import { describe, expect, it } from 'vitest';
import { BudgetLeases } from './budget-leases';
import type { WinnerAdmission, WinnerCommit } from './budget-store';
import { ExplainCounters, newExplainSlot } from './explain';
import { ServeService, type ServeAnswerJson } from './serve.service';
import { answerMembers, type IndexedAd, type IndexedAdGroup } from './serving-index';

/*
 * ServeService with its budget store replaced by one whose scripts the test answers by
 * hand, to order two requests' Redis round trips exactly (the real store is exercised by
 * serving.e2e-spec.ts and serving-processes.e2e-spec.ts).
 */

const LIMITS = { adGroupDaily: 10_000_000, adGroupLifetime: -1, campaignDaily: -1, campaignLifetime: -1 };

function world() {
  const ad: IndexedAd = { adId: '11', pinId: '12', title: 'Sofa', description: null, imageUrl: 'https://cdn.example.com/a.jpg', link: null, answerMembers: '', answerMembersExtraBytes: 0 };
  const group = {
    adAccountId: '41',
    campaignId: '31',
    adGroupId: '21',
    currency: 'USD',
    currencyJson: '"USD"',
    perUsdMillionths: 1_000_000,
    timezone: 'UTC',
    billableEvent: 'IMPRESSION',
    pacing: 'ACCELERATED',
    startSeconds: null,
    endSeconds: null,
    lifetimeFrequencyCap: null,
    dailyFrequencyCap: null,
    frequencyCapped: false,
    rule: {},
    ads: [ad],
    explainSlot: newExplainSlot(),
  } as unknown as IndexedAdGroup;
  ad.answerMembers = answerMembers(ad, group.adGroupId, group.campaignId, group.adAccountId, group.billableEvent);
  const bid = { bidUsdMicros: 5_000, reserveUsdMicros: 100, localBidMicros: 5_000, localReserveMicros: 100 };
  const index = { indexedForPlacement: () => ({ groups: [group], bids: [bid], audiences: { match: () => Uint32Array.of(1) } }) };
  const pacing = { throttle: () => 1, limits: () => LIMITS };
  /** Each script the service sends, answered by the test. */
  const scripts: { commits: readonly WinnerCommit[]; answer: (admissions: WinnerAdmission[]) => void }[] = [];
  const budgets = {
    admitWinners: (commits: readonly WinnerCommit[]) => new Promise<WinnerAdmission[]>((answer) => scripts.push({ commits, answer })),
    refund: async () => undefined,
  };
  const leases = new BudgetLeases(budgets as never);
  const service = new ServeService(index as never, budgets as never, pacing as never, { ctr: () => 0.01 } as never, new ExplainCounters(null as never), () => 0.5, loadConfig(testEnv()), leases);
  return { service, scripts, leases };
}

const body: ServeBody = { placement: 'BROWSE', slots: 1, user: { id: 'u1', interests: [] } };
const adsOf = (answer: ServeAnswerJson): { ad_group_id: string }[] => (JSON.parse(answer.json) as { ads: { ad_group_id: string }[] }).ads;

describe('serving with budget leases in one process', () => {
  it('keeps serving from a lease granted to one request when a concurrent request of the same process was refused', async () => {
    const { service, scripts, leases } = world();
    // Two requests at once, before this process holds any lease: both go to Redis.
    const first = service.serveJson(body);
    const second = service.serveJson(body);
    expect(first).toBeInstanceOf(Promise);
    expect(second).toBeInstanceOf(Promise);
    expect(scripts).toHaveLength(2);
    expect(scripts[0]!.commits[0]!.leaseMicros).toBeGreaterThan(0);
    // The first is admitted with a lease of what was left; so the second finds nothing left.
    scripts[0]!.answer([{ outcome: 'OK', leaseMicros: 50_000, roomMicros: 0 }]);
    scripts[1]!.answer([{ outcome: 'BUDGET', leaseMicros: 0, roomMicros: 0 }]);
    expect(adsOf(await first)).toHaveLength(1);
    expect(adsOf(await second)).toEqual([]);
    expect(leases.held('21')).toBe(50_000);

    // The lease is this process's to spend: the next requests are served from it, in memory.
    for (let i = 0; i < 3; i++) {
      const next = service.serveJson(body);
      expect(next).not.toBeInstanceOf(Promise);
      expect(adsOf(next as ServeAnswerJson).map((a) => a.ad_group_id)).toEqual(['21']);
    }
    expect(scripts).toHaveLength(2);
    expect(leases.held('21')).toBeLessThan(50_000);
  });

  it('sits an ad group out after a refusal when it holds no lease for it', async () => {
    const { service, scripts } = world();
    const first = service.serveJson(body);
    scripts[0]!.answer([{ outcome: 'BUDGET', leaseMicros: 0, roomMicros: 0 }]);
    expect(adsOf(await first)).toEqual([]);
    // Refused: no winner for the next requests, without asking Redis again (EXHAUSTED_RECHECK_MS).
    const next = service.serveJson(body);
    expect(next).not.toBeInstanceOf(Promise);
    expect(adsOf(next as ServeAnswerJson)).toEqual([]);
    expect(scripts).toHaveLength(1);
  });
});
