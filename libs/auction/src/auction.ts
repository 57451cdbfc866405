/**
 * Ranking and generalized-second-price (GSP) pricing for k slots (DESIGN.md §4).
 *
 * Money is integer micros held in JS numbers (exact below 2^53 micros, i.e. nine
 * billion currency units — far above any bid), never floats: every price is rounded
 * up to a whole micro before it leaves this module.
 *
 * Every candidate bids per billable event: per impression for IMPRESSION billing
 * (a CPM bid divided by 1,000 by the caller), per click for CLICKTHROUGH billing.
 * P(event) is 1 for impressions and the predicted CTR for clicks, so
 *   eCPM = bid × P × 1000   (expected revenue per thousand impressions).
 */
export type BillableEvent = 'IMPRESSION' | 'CLICKTHROUGH';

/** Why a candidate did not win a slot. Eligibility reasons are decided by the caller. */
export type LossReason = 'TARGETING' | 'BUDGET' | 'PACING' | 'FREQUENCY_CAP' | 'BELOW_FLOOR' | 'OUTRANKED';
export type EligibilityLoss = Exclude<LossReason, 'BELOW_FLOOR' | 'OUTRANKED'>;

export interface Bid {
  /** Stable id used for deterministic tie-breaks (e.g. the ad id). */
  id: string;
  /** Max bid per billable event, integer micros. */
  bidMicros: number;
  billableEvent: BillableEvent;
  /** P(billable event | impression): 1 for IMPRESSION, the predicted CTR for CLICKTHROUGH. */
  eventProbability: number;
  /** Floor per billable event for this candidate's placement and currency, integer micros. */
  reserveMicros: number;
  /** Set when the caller already found the candidate ineligible. */
  ineligible?: EligibilityLoss;
}

export interface AuctionOptions {
  slots: number;
  /** Added to the second price so a winner beats the runner-up strictly (OpenRTB's "+ 0.01"). */
  minIncrementMicros: number;
  /**
   * Breaks exact eCPM ties. Default: by id ascending (fully deterministic). Inject a
   * seeded random order to rotate tied ads fairly without losing reproducibility.
   */
  tieBreak?: (a: Bid, b: Bid) => number;
}

export interface Winner<B extends Bid = Bid> {
  bid: B;
  slot: number;
  ecpm: number;
  /** What the winner pays per billable event, integer micros: reserve ≤ price ≤ bid. */
  priceMicros: number;
}

export interface Loser<B extends Bid = Bid> {
  bid: B;
  reason: LossReason;
  ecpm: number | null;
  /** For OUTRANKED and BELOW_FLOOR: the smallest bid (micros per event) that would have won the last slot. */
  minBidToWinMicros: number | null;
}

export interface AuctionResult<B extends Bid = Bid> {
  winners: Winner<B>[];
  losers: Loser<B>[];
}

export function ecpmOf(bid: Pick<Bid, 'bidMicros' | 'eventProbability'>): number {
  return bid.bidMicros * bid.eventProbability * 1000;
}

const byId = (a: Bid, b: Bid): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function validate(bid: Bid): void {
  if (!Number.isSafeInteger(bid.bidMicros) || bid.bidMicros < 0) throw new RangeError(`bid ${bid.id}: bidMicros must be a non-negative integer`);
  if (!Number.isSafeInteger(bid.reserveMicros) || bid.reserveMicros < 0) throw new RangeError(`bid ${bid.id}: reserveMicros must be a non-negative integer`);
  if (!(bid.eventProbability > 0 && bid.eventProbability <= 1)) throw new RangeError(`bid ${bid.id}: eventProbability must be in (0, 1]`);
  if (bid.billableEvent === 'IMPRESSION' && bid.eventProbability !== 1) throw new RangeError(`bid ${bid.id}: IMPRESSION billing has eventProbability 1`);
}

/**
 * Runs one auction. Pure and deterministic: the same candidates in any order give
 * the same result (ranking is by eCPM, then the tie-break).
 *
 * Slot i's winner pays the least it could have bid and kept slot i:
 *   price_i = max(reserve_i, eCPM_{i+1} / (1000 × P_i)) + increment, capped at its bid,
 * rounded up to a whole micro. A winner with no competitor below pays its reserve
 * (+ nothing: the floor is a price, not a competitor). Candidates whose bid is below
 * their own reserve lose BELOW_FLOOR before ranking.
 */
export function runAuction<B extends Bid>(candidates: readonly B[], options: AuctionOptions): AuctionResult<B> {
  if (!Number.isInteger(options.slots) || options.slots < 0) throw new RangeError('slots must be a non-negative integer');
  if (!Number.isSafeInteger(options.minIncrementMicros) || options.minIncrementMicros < 0) {
    throw new RangeError('minIncrementMicros must be a non-negative integer');
  }
  const tieBreak = options.tieBreak ?? byId;
  const before = (x: Ranked<B>, y: Ranked<B>): boolean => x.ecpm > y.ecpm || (x.ecpm === y.ecpm && tieBreak(x.bid, y.bid) < 0);
  const losers: Loser<B>[] = [];
  const eligible: Ranked<B>[] = [];
  // Only the best k + 1 need an order (k winners and the runner-up who sets the last price):
  // an insertion-sorted window keeps the work O(n·k) instead of sorting every candidate.
  const keep = options.slots + 1;
  const top: Ranked<B>[] = [];
  for (const bid of candidates) {
    validate(bid);
    if (bid.ineligible) {
      losers.push({ bid, reason: bid.ineligible, ecpm: null, minBidToWinMicros: null });
      continue;
    }
    if (bid.bidMicros < bid.reserveMicros) {
      losers.push({ bid, reason: 'BELOW_FLOOR', ecpm: ecpmOf(bid), minBidToWinMicros: null });
      continue;
    }
    const entry = { bid, ecpm: ecpmOf(bid) };
    eligible.push(entry);
    if (top.length === keep && !before(entry, top[keep - 1]!)) continue;
    let i = top.length === keep ? keep - 1 : top.length;
    while (i > 0 && before(entry, top[i - 1]!)) {
      top[i] = top[i - 1]!;
      i--;
    }
    top[i] = entry;
  }

  const slots = Math.min(options.slots, top.length);
  const winners: Winner<B>[] = [];
  for (let i = 0; i < slots; i++) {
    const { bid, ecpm } = top[i]!;
    const next = top[i + 1];
    // The price that keeps slot i: tie the next eCPM, then one increment more.
    const secondPrice = next ? next.ecpm / (1000 * bid.eventProbability) + options.minIncrementMicros : 0;
    const price = Math.min(bid.bidMicros, Math.max(bid.reserveMicros, Math.ceil(secondPrice - 1e-9)));
    winners.push({ bid, slot: i, ecpm, priceMicros: price });
  }

  // The last winning eCPM is the bar every loser had to clear (0 when a slot went unfilled).
  const bar = winners.length === options.slots && winners.length > 0 ? winners[winners.length - 1]!.ecpm : 0;
  const won = new Set<Ranked<B>>(top.slice(0, slots));
  for (const entry of eligible) {
    if (won.has(entry)) continue;
    losers.push({ bid: entry.bid, reason: 'OUTRANKED', ecpm: entry.ecpm, minBidToWinMicros: minBidToBeat(bar, entry.bid, options.minIncrementMicros) });
  }
  for (const loser of losers) {
    if (loser.reason === 'BELOW_FLOOR') {
      loser.minBidToWinMicros = Math.max(loser.bid.reserveMicros, minBidToBeat(bar, loser.bid, options.minIncrementMicros));
    }
  }
  return { winners, losers };
}

interface Ranked<B extends Bid> {
  bid: B;
  ecpm: number;
}

/** Smallest whole-micro bid whose eCPM beats `bar` by at least one increment's worth. */
function minBidToBeat(bar: number, bid: Bid, incrementMicros: number): number {
  if (bar === 0) return bid.reserveMicros;
  return Math.max(bid.reserveMicros, Math.ceil(bar / (1000 * bid.eventProbability) - 1e-9) + incrementMicros);
}
