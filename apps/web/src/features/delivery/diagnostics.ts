import { LOSS_REASONS, type DeliveryDiagnostics, type LossReasonName } from '@loupe/contracts';

/** Each loss reason in the advertiser's words: what happened and what moves it. */
export const LOSS_REASON_TEXT: Record<LossReasonName, { label: string; explain: string }> = {
  TARGETING: { label: 'Outside targeting', explain: 'The person or placement did not match the targeting (sampled and scaled).' },
  BUDGET: { label: 'Budget spent', explain: 'The budget for the day (or lifetime) was already used up.' },
  PACING: { label: 'Held back by pacing', explain: 'Spend was spread through the day, so some auctions were skipped.' },
  FREQUENCY_CAP: { label: 'Frequency cap reached', explain: 'The person had already seen the ad as often as the cap allows.' },
  BELOW_FLOOR: { label: 'Bid below the floor', explain: 'The bid was under the minimum price for the placement.' },
  OUTRANKED: { label: 'Outbid', explain: 'Another advertiser ranked higher (bid × relevance).' },
};

export interface DiagnosticsSummary {
  entered: number;
  won: number;
  lost: number;
  /** Losses per reason over the range, largest first, zeros left out. */
  reasons: { reason: LossReasonName; count: number }[];
  /** The latest day with a minimum-bid estimate (medians of different days cannot be combined). */
  latestBid: { date: string; median: number | null; p75: number | null } | null;
  /** Some day's losses were counted from a sample of auctions (`loss_counts_sampled`): estimates. */
  sampled: boolean;
}

/** Sums the days' counters; the bid to win is per day (a median of medians would be meaningless). */
export function summarize(d: DeliveryDiagnostics): DiagnosticsSummary {
  const sums = Object.fromEntries(LOSS_REASONS.map((r) => [r, 0])) as Record<LossReasonName, number>;
  let entered = 0;
  let won = 0;
  let lost = 0;
  for (const day of d.days) {
    entered += day.auctions_entered;
    won += day.auctions_won;
    lost += day.auctions_lost;
    for (const reason of LOSS_REASONS) sums[reason] += day.lost_by_reason[reason] ?? 0;
  }
  const reasons = LOSS_REASONS.map((reason) => ({ reason, count: sums[reason] }))
    .filter((r) => r.count > 0)
    .sort((a, b) => b.count - a.count);
  const withBid = [...d.days].reverse().find((day) => day.min_bid_to_win_micro_currency.median !== null);
  return {
    entered,
    won,
    lost,
    reasons,
    latestBid: withBid ? { date: withBid.date, ...withBid.min_bid_to_win_micro_currency } : null,
    sampled: d.days.some((day) => day.loss_counts_sampled),
  };
}
