import { Injectable } from '@nestjs/common';
import { LOSS_REASONS, type DeliveryDiagnostics, type DeliveryDiagnosticsQuery, type LossReasonName } from '@loupe/contracts';
import { AdGroupsService } from '../ad-groups/ad-groups.service';
import type { AdAccountScope } from '../auth/request-context';
import { bucketBid, ExplainCounters, TARGETING_SAMPLE_RATE } from '../serving/explain';

type Histogram = Map<number, number>;

/** The smallest bid at or above which `share` of the counted losses would have been won. */
function quantile(histogram: Histogram, share: number): number | null {
  const total = [...histogram.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket)!;
    if (seen >= share * total) return bucketBid(bucket);
  }
  return null;
}

function datesBetween(start: string, end: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); t <= Date.parse(`${end}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

const money = (micros: number, currency: string): string => `${(micros / 1_000_000).toFixed(2)} ${currency}`;

/**
 * "Why didn't my ad win?" (issue 4 item 8): the serve path's explain counters of one ad
 * group, per account-local day, with the bid that would have won and one suggestion.
 */
@Injectable()
export class DeliveryDiagnosticsService {
  constructor(
    private readonly adGroups: AdGroupsService,
    private readonly explain: ExplainCounters,
  ) {}

  async get(scope: AdAccountScope, adGroupId: string, query: DeliveryDiagnosticsQuery): Promise<DeliveryDiagnostics> {
    const adGroup = await this.adGroups.get(scope.id, adGroupId);
    const dates = datesBetween(query.start_date, query.end_date);
    const counters = await this.explain.read(adGroupId, dates);
    const total: Record<LossReasonName, number> = Object.fromEntries(LOSS_REASONS.map((r) => [r, 0])) as Record<LossReasonName, number>;
    const overall: Histogram = new Map();
    let entered = 0;
    let won = 0;
    const days = dates.map((date, i) => {
      const c = counters[i]!;
      const histogram: Histogram = new Map();
      for (const [field, n] of Object.entries(c)) {
        if (!field.startsWith('mb:')) continue;
        const bucket = Number(field.slice(3));
        histogram.set(bucket, (histogram.get(bucket) ?? 0) + n);
        overall.set(bucket, (overall.get(bucket) ?? 0) + n);
      }
      const lost = Object.fromEntries(LOSS_REASONS.map((r) => [r, c[`lost:${r}`] ?? 0])) as Record<LossReasonName, number>;
      for (const r of LOSS_REASONS) total[r] += lost[r];
      entered += c.entered ?? 0;
      won += c.won ?? 0;
      return {
        date,
        auctions_entered: c.entered ?? 0,
        auctions_won: c.won ?? 0,
        auctions_lost: LOSS_REASONS.reduce((sum, r) => sum + lost[r], 0),
        lost_by_reason: lost,
        min_bid_to_win_micro_currency: { median: quantile(histogram, 0.5), p75: quantile(histogram, 0.75) },
        loss_counts_sampled: (c.sampled ?? 0) > 0,
      };
    });
    return {
      ad_group_id: adGroup.id,
      ad_account_id: scope.id,
      billable_event: adGroup.billable_event,
      current_bid_in_micro_currency: adGroup.bid_in_micro_currency,
      currency: scope.currency,
      days,
      targeting_sample_rate: TARGETING_SAMPLE_RATE,
      suggestion: suggest({ entered, won, lost: total, p75: quantile(overall, 0.75), bid: adGroup.bid_in_micro_currency, budget: adGroup.budget_in_micro_currency, currency: scope.currency }),
    };
  }
}

function suggest(s: { entered: number; won: number; lost: Record<LossReasonName, number>; p75: number | null; bid: number | null; budget: number | null; currency: string }): string {
  if (s.entered === 0) {
    return 'This ad group entered no auctions in these days. Check that it and its campaign are ACTIVE, that it has an approved ACTIVE ad, and that its schedule covers these dates.';
  }
  const [reason, count] = LOSS_REASONS.map((r) => [r, s.lost[r]] as const).reduce((a, b) => (b[1] > a[1] ? b : a));
  if (count === 0) return 'This ad group won every auction it entered. To reach more people, broaden its targeting.';
  const bid = s.bid === null ? 'automatic' : money(s.bid, s.currency);
  switch (reason) {
    case 'TARGETING':
      return 'Most requests did not match the targeting. Broaden it (more locations, interests, ages or keywords) to enter more auctions.';
    case 'BUDGET':
      return `The budget ran out before the day ended${s.budget === null ? '' : ` (budget ${money(s.budget, s.currency)})`}. Raise the budget to keep delivering all day.`;
    case 'PACING':
      return 'Standard pacing held the ad group back to spread its budget over the day. Raise the budget, or choose ACCELERATED pacing to spend as fast as it wins.';
    case 'FREQUENCY_CAP':
      return 'The people it matched had already seen it as often as its frequency caps allow. Raise the caps or broaden the targeting.';
    case 'BELOW_FLOOR':
      return `The bid (${bid}) is below the floor of the placements it entered.${s.p75 === null ? '' : ` Bid at least ${money(s.p75, s.currency)}.`}`;
    case 'OUTRANKED':
      return s.p75 === null
        ? `Other advertisers outbid this ad group (bid ${bid}). Raise the bid to win more auctions.`
        : `Other advertisers outbid this ad group. A bid of ${money(s.p75, s.currency)} (now ${bid}) would have won 3 in 4 of the auctions it lost to them.`;
  }
}
