/**
 * The quality score: a smoothed per-ad estimate of click-through rate.
 *
 * A new ad has no history, and a handful of clicks on a few impressions would
 * otherwise swing its estimate wildly. We use a Beta prior, i.e. add `priorClicks`
 * pseudo-clicks on `priorImpressions` pseudo-impressions:
 *
 *   pCTR = (clicks + priorClicks) / (impressions + priorImpressions)
 *
 * The default prior is a 1% CTR (Pinterest's promoted-pin click-through rates sit
 * around 0.2–2%) worth 1,000 impressions of evidence: an ad's own data dominates
 * after a few thousand impressions.
 */
export interface CtrPrior {
  /** Prior mean click-through rate, 0 < rate < 1. */
  rate: number;
  /** How many impressions of evidence the prior is worth. */
  weight: number;
}

export const DEFAULT_CTR_PRIOR: CtrPrior = { rate: 0.01, weight: 1_000 };

export function predictCtr(clicks: number, impressions: number, prior: CtrPrior = DEFAULT_CTR_PRIOR): number {
  if (!(prior.rate > 0 && prior.rate < 1) || !(prior.weight > 0)) throw new RangeError('CTR prior needs 0 < rate < 1 and weight > 0');
  if (!Number.isInteger(clicks) || !Number.isInteger(impressions) || clicks < 0 || impressions < 0) {
    throw new RangeError('clicks and impressions must be non-negative integers');
  }
  // Clicks can exceed impressions in raw logs (a click counted before its late impression); never exceed 1.
  const c = Math.min(clicks, impressions);
  return (c + prior.rate * prior.weight) / (impressions + prior.weight);
}
