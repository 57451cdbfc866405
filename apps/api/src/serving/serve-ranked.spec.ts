import { AudienceIndex, seededRandom, type AudienceRule } from '@loupe/auction';
import type { ServeBody } from '@loupe/contracts';
import { loadConfig, testEnv } from '@loupe/server-core';
import { describe, expect, it } from 'vitest';
import type { WinnerAdmission, WinnerCommit } from './budget-store';
import { indexedAd, indexedAdGroup } from '../../test/support/indexed-ad-group';
import { ExplainCounters, type ExplainSlot } from './explain';
import { rankByBound } from './ranking';
import { ServeService } from './serve.service';
import type { IndexedAdGroup, PlacementBid } from './serving-index';

/*
 * The ranked scan (ServeService.place): an auction whose losers are not counted looks at
 * the ad groups in order of the most each could bid and stops once the winners and the
 * runner-up are certain. It must place the same ads at the same prices as the full scan,
 * whatever the bids, CTRs, floors, audiences, pacing and refusals; and the sampled loss
 * counts must estimate the full counts without bias.
 */

const LIMITS = { adGroupDaily: -1, adGroupLifetime: -1, campaignDaily: -1, campaignLifetime: -1 };
const COUNTRIES = ['US', 'GB', 'FR'];

/** Counts the explain calls (the counters themselves are checked against Redis in explain-counters.spec.ts). */
class CountingExplain extends ExplainCounters {
  readonly losses = new Map<string, number>();
  won_ = 0;
  override won(adGroupId: string, day: string, slot?: ExplainSlot): void {
    this.won_++;
    super.won(adGroupId, day, slot);
  }
  override lostOutcome(adGroupId: string, day: string, outcome: number, minBidToWin: number | null, slot: ExplainSlot | undefined, weight = 1): void {
    const reason = ['', 'TARGETING', 'BUDGET', 'PACING', 'FREQUENCY_CAP', 'BELOW_FLOOR', 'OUTRANKED'][outcome]!;
    this.losses.set(reason, (this.losses.get(reason) ?? 0) + weight);
    super.lostOutcome(adGroupId, day, outcome, minBidToWin, slot, weight);
  }
}

/**
 * A placement of `n` ad groups drawn from `seed`: mixed billing, bids (some below the
 * floor, some tied), one to three ads with their own CTRs, audiences by country, STANDARD
 * pacing fully throttled on some. `refuse`: ad groups whose winners Redis refuses.
 */
function world(seed: number, n: number, refuse: ReadonlySet<string> = new Set()) {
  const next = seededRandom(seed);
  const ctrs = new Map<string, number>();
  const groups: IndexedAdGroup[] = [];
  const bids: PlacementBid[] = [];
  const rules: AudienceRule[] = [];
  const throttles = new Map<string, number>();
  // Ids out of the index's order, so that ties (broken by id) can fall either way.
  const ids = Array.from({ length: n }, (_, i) => String(1000 + i)).sort(() => next() - 0.5);
  for (let i = 0; i < n; i++) {
    const cpc = next() < 0.6;
    const id = ids[i]!;
    const ads = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, a) => {
      const ad = indexedAd(`${id}-${a}`, `p${id}`);
      ctrs.set(ad.adId, [0.01, 0.02, 0.005, 0.013][Math.floor(next() * 4)]!);
      return ad;
    });
    const group = indexedAdGroup(id, cpc ? 'CLICKTHROUGH' : 'IMPRESSION', ads, next() < 0.3 ? 'STANDARD' : 'ACCELERATED');
    throttles.set(id, next() < 0.5 ? 0 : 1);
    // Bids on a coarse grid, so that eCPMs tie; a few below the floor.
    const bid = cpc ? 100_000 * (1 + Math.floor(next() * 10)) : 1_000 * (1 + Math.floor(next() * 10));
    const reserve = next() < 0.1 ? bid + 1 : cpc ? 100_000 : 1_000;
    bids.push({ bidUsdMicros: bid, reserveUsdMicros: reserve, localBidMicros: bid, localReserveMicros: reserve });
    rules.push(next() < 0.5 ? {} : { locations: new Set([COUNTRIES[Math.floor(next() * COUNTRIES.length)]!]) });
    groups.push(group);
  }
  const placement = { groups, bids, audiences: new AudienceIndex(rules) };
  const index = { indexedForPlacement: () => placement };
  const quality = { ctr: (adId: string) => ctrs.get(adId)!, version: 0 };
  const pacing = { throttle: (g: IndexedAdGroup) => (g.pacing === 'STANDARD' ? throttles.get(g.adGroupId)! : 1), limits: () => LIMITS };
  const budgets = {
    admitWinners: async (commits: readonly WinnerCommit[]): Promise<WinnerAdmission[]> =>
      commits.map((c) => ({ outcome: refuse.has(c.scope.adGroupId) ? 'BUDGET' : 'OK', leaseMicros: 0, roomMicros: 0 })),
    refund: async () => undefined,
  };
  /**
   * A service over this world. By default the same random number every draw, so that ad
   * rotation and pacing decide alike whichever ad groups a scan looks at.
   */
  const service = (explain: ExplainCounters, random: () => number = () => 0.5) =>
    new ServeService(index as never, budgets as never, pacing as never, quality as never, explain, random, loadConfig(testEnv()));
  return { service, placement, quality, groups };
}

/** Counters whose every auction after the first is sampled out: a window (1 s) per auction, and one auction in 1,000 s allowed. */
function rankedOnly(): CountingExplain {
  let t = 0;
  return new CountingExplain(null as never, 'loupe', { fullLossCountsPerSecond: 1e-3, clock: () => (t += 1000) });
}

const request = (i: number, slots: number): ServeBody => ({
  placement: 'BROWSE',
  slots,
  user: { id: `u${i}`, interests: [], location: i % 4 === 3 ? undefined : COUNTRIES[i % 3] },
});

const placedOf = async (service: ServeService, body: ServeBody) =>
  (await service.serve(body, 1_800_000_000_000)).ads.map((a) => `${a.slot}:${a.ad_group_id}:${a.ad_id}:${a.price_micro_currency}`);

describe('the ranked scan of an auction whose losers are not counted', () => {
  it('places the same ads at the same prices as the full scan, over many random worlds', async () => {
    for (let seed = 1; seed <= 24; seed++) {
      const { service } = world(seed, 5 + (seed % 7) * 9);
      const full = service(new CountingExplain(null as never));
      const fastExplain = rankedOnly();
      const fast = service(fastExplain);
      await placedOf(fast, request(0, 1));
      const before = fastExplain.losses.get('OUTRANKED') ?? 0;
      for (let i = 0; i < 20; i++) {
        const body = request(i, 1 + (i % 4));
        expect(await placedOf(fast, body), `seed ${seed}, request ${i}`).toEqual(await placedOf(full, body));
      }
      // The fast service counted no loser after its first auction: every one was a ranked scan.
      expect(fastExplain.losses.get('OUTRANKED') ?? 0).toBe(before);
    }
  });

  it('still fills a slot whose winner Redis refused from the ad groups it had not looked at', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const probe = world(seed, 40);
      // Refuse the two ad groups that could bid the most: the refill must reach past them.
      const ranking = rankByBound(probe.placement, probe.quality.ctr, 0);
      const refuse = new Set([probe.groups[ranking.order[0]!]!.adGroupId, probe.groups[ranking.order[1]!]!.adGroupId]);
      const { service } = world(seed, 40, refuse);
      const full = service(new CountingExplain(null as never));
      const fast = service(rankedOnly());
      await placedOf(fast, request(0, 2));
      await placedOf(full, request(0, 2));
      for (let i = 1; i < 8; i++) {
        const body = request(i, 2);
        expect(await placedOf(fast, body), `seed ${seed}, request ${i}`).toEqual(await placedOf(full, body));
      }
    }
  });

  it('counts wins and refusals exactly, and losses as an unbiased sample', async () => {
    const { service } = world(7, 60);
    // Pacing throttles are 0 or 1 here, so only ad rotation and the sample draw numbers.
    const exact = new CountingExplain(null as never);
    const full = service(exact, seededRandom(2));
    // One auction in 4 counts its losers, each worth 4 (1,000 auctions a second over 250 allowed).
    let t = 0;
    const sampled = new CountingExplain(null as never, 'loupe', { fullLossCountsPerSecond: 250, clock: () => (t += 1) });
    const sampledService = service(sampled, seededRandom(3));
    const n = 4000;
    for (let i = 0; i < n; i++) {
      await full.serve(request(i, 2), 1_800_000_000_000);
      await sampledService.serve(request(i, 2), 1_800_000_000_000);
    }
    expect(sampled.won_).toBe(exact.won_);
    const outranked = exact.losses.get('OUTRANKED')!;
    expect(outranked).toBeGreaterThan(n);
    // 4,000 auctions, ~1,000 of them counted: within 10% of the exact count.
    expect(Math.abs(sampled.losses.get('OUTRANKED')! - outranked) / outranked).toBeLessThan(0.1);
    expect(Math.abs(sampled.losses.get('BELOW_FLOOR')! - exact.losses.get('BELOW_FLOOR')!) / exact.losses.get('BELOW_FLOOR')!).toBeLessThan(0.15);
  });
});

describe('ExplainCounters.lossWeight', () => {
  it('counts every auction in full up to the allowed rate, then one in w with weight w, and back when the load falls', () => {
    let now = 0;
    const explain = new ExplainCounters(null as never, 'loupe', { fullLossCountsPerSecond: 100, clock: () => now });
    const draws: number[] = [];
    const random = () => {
      const r = (draws.length % 10) / 10;
      draws.push(r);
      return r;
    };
    // 80 auctions in the first second: all in full, no random number drawn.
    for (let i = 0; i < 80; i++, now += 12.5) expect(explain.lossWeight(random)).toBe(1);
    expect(draws).toHaveLength(0);
    // 1,000 in the next second (over the allowed 100): still weight 1 until the window closes.
    const second: number[] = [];
    for (let i = 0; i < 1000; i++, now += 1) second.push(explain.lossWeight(random));
    expect(second.every((w) => w === 1)).toBe(true);
    // The second after: w = 10; one auction in 10 counts, each loss worth 10.
    const third: number[] = [];
    for (let i = 0; i < 1000; i++, now += 1) third.push(explain.lossWeight(random));
    expect(third.filter((w) => w === 10)).toHaveLength(100);
    expect(third.filter((w) => w !== 10 && w !== 0)).toHaveLength(0);
    // Quiet: the 1,000 auctions of that window, over the 6 s it lasted, still ask for w = 2; then back to all.
    now += 5_000;
    expect([0, 2]).toContain(explain.lossWeight(random));
    now += 1_000;
    expect(explain.lossWeight(random)).toBe(1);
  });
});
