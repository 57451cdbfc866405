import type { PlacementIndex } from './serving-index';

/**
 * A placement's ad groups in order of the highest eCPM each could bid, best first: its bid
 * × its best ad's predicted CTR × 1000 for CLICKTHROUGH billing, its bid × 1000 for
 * IMPRESSION. An auction whose losers are not counted (`ExplainCounters.lossWeight`)
 * walks the ad groups in this order and stops once no ad group left could rank among
 * the winners and the runner-up who prices the last slot (ServeService.place), so it
 * looks at a handful of ad groups instead of every one the user matches.
 *
 * Made once per placement index and quality-score refresh (a rebuild of the index makes
 * new `PlacementIndex` objects; the scores carry a version), not per request.
 */
export interface Ranking {
  /** Positions in the placement's `groups`, highest bound first (ties by position). */
  readonly order: Int32Array;
  /** `bound[j]`: the bound of `groups[order[j]]`, non-increasing in j. */
  readonly bound: Float64Array;
  /** The quality scores' version it was made from. */
  readonly qualityVersion: number | undefined;
}

/**
 * Ranks `index`'s ad groups by their bound. The bound is the product the auction computes
 * for a candidate's eCPM (`bidMicros × eventProbability × 1000`, in that order) with the
 * ad group's best ad, so it equals the eCPM of that ad exactly and is never below the
 * eCPM of another (floating-point multiplication is monotonic).
 */
export function rankByBound(index: PlacementIndex, ctr: (adId: string) => number, qualityVersion: number | undefined): Ranking {
  const { groups, bids } = index;
  const bounds = new Float64Array(groups.length);
  for (let at = 0; at < groups.length; at++) {
    const group = groups[at]!;
    let p = 1;
    if (group.billableEvent === 'CLICKTHROUGH') {
      p = 0;
      for (const ad of group.ads) p = Math.max(p, ctr(ad.adId));
    }
    bounds[at] = bids[at]!.bidUsdMicros * p * 1000;
  }
  const positions = Array.from({ length: groups.length }, (_, at) => at).sort((a, b) => bounds[b]! - bounds[a]! || a - b);
  return { order: Int32Array.from(positions), bound: Float64Array.from(positions, (at) => bounds[at]!), qualityVersion };
}
