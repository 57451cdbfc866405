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
 *
 * Losers are listed in candidate order: first those ineligible or below the floor, then
 * the outranked.
 *
 * Work and allocation are kept to what the answer needs (docs/performance.md, auction):
 * one pass keeps each candidate's eCPM in a reused typed array and only the best k + 1
 * in order (k winners and the runner-up who sets the last price: O(n·k), no sort); a
 * second pass builds one loser record per non-winner and nothing else.
 */
export function runAuction<B extends Bid>(candidates: readonly B[], options: AuctionOptions): AuctionResult<B> {
  if (!Number.isInteger(options.slots) || options.slots < 0) throw new RangeError('slots must be a non-negative integer');
  const increment = options.minIncrementMicros;
  if (!Number.isSafeInteger(increment) || increment < 0) throw new RangeError('minIncrementMicros must be a non-negative integer');
  const tieBreak = options.tieBreak ?? byId;
  const n = candidates.length;
  // Scratch space reused across calls (an auction is synchronous; a re-entrant call, say
  // from a tie-break, gets its own).
  const reuse = !scratchBusy;
  const ecpms = reuse ? scratchEcpms(n) : new Float64Array(n);
  const kinds = reuse ? scratchKinds(n) : new Uint8Array(n);
  scratchBusy = true;
  try {
    const keep = options.slots + 1;
    // Indices of the best `keep` eligible candidates, best first.
    const top: number[] = [];
    let eligible = 0;
    for (let i = 0; i < n; i++) {
      const bid = candidates[i]!;
      validate(bid);
      if (bid.ineligible) {
        kinds[i] = INELIGIBLE;
        continue;
      }
      const ecpm = bid.bidMicros * bid.eventProbability * 1000;
      ecpms[i] = ecpm;
      if (bid.bidMicros < bid.reserveMicros) {
        kinds[i] = BELOW_FLOOR;
        continue;
      }
      kinds[i] = OUTRANKED;
      eligible++;
      let at = top.length;
      if (at === keep) {
        const last = top[keep - 1]!;
        if (!(ecpm > ecpms[last]! || (ecpm === ecpms[last]! && tieBreak(bid, candidates[last]!) < 0))) continue;
        at = keep - 1;
      }
      while (at > 0) {
        const j = top[at - 1]!;
        if (!(ecpm > ecpms[j]! || (ecpm === ecpms[j]! && tieBreak(bid, candidates[j]!) < 0))) break;
        top[at] = j;
        at--;
      }
      top[at] = i;
    }

    const slots = Math.min(options.slots, top.length);
    const winners: Winner<B>[] = [];
    for (let s = 0; s < slots; s++) {
      const i = top[s]!;
      const bid = candidates[i]!;
      const ecpm = ecpms[i]!;
      // The price that keeps slot s: tie the next eCPM, then one increment more.
      const secondPrice = s + 1 < top.length ? ecpms[top[s + 1]!]! / (1000 * bid.eventProbability) + increment : 0;
      const price = Math.min(bid.bidMicros, Math.max(bid.reserveMicros, Math.ceil(secondPrice - 1e-9)));
      winners.push({ bid, slot: s, ecpm, priceMicros: price });
      kinds[i] = WON;
    }

    // The last winning eCPM is the bar every loser had to clear (0 when a slot went unfilled).
    const bar = winners.length === options.slots && winners.length > 0 ? winners[winners.length - 1]!.ecpm : 0;
    const losers: Loser<B>[] = [];
    if (eligible < n) {
      for (let i = 0; i < n; i++) {
        const kind = kinds[i]!;
        if (kind === INELIGIBLE) {
          const bid = candidates[i]!;
          losers.push({ bid, reason: bid.ineligible!, ecpm: null, minBidToWinMicros: null });
        } else if (kind === BELOW_FLOOR) {
          const bid = candidates[i]!;
          losers.push({ bid, reason: 'BELOW_FLOOR', ecpm: ecpms[i]!, minBidToWinMicros: Math.max(bid.reserveMicros, minBidToBeat(bar, bid, increment)) });
        }
      }
    }
    if (eligible > slots) {
      for (let i = 0; i < n; i++) {
        if (kinds[i] !== OUTRANKED) continue;
        const bid = candidates[i]!;
        losers.push({ bid, reason: 'OUTRANKED', ecpm: ecpms[i]!, minBidToWinMicros: minBidToBeat(bar, bid, increment) });
      }
    }
    return { winners, losers };
  } finally {
    if (reuse) scratchBusy = false;
  }
}

const INELIGIBLE = 1;
const BELOW_FLOOR = 2;
const OUTRANKED = 3;
const WON = 4;

let scratchBusy = false;
let ecpmScratch = new Float64Array(1024);
let kindScratch = new Uint8Array(1024);
function scratchEcpms(n: number): Float64Array {
  if (ecpmScratch.length < n) ecpmScratch = new Float64Array(Math.max(n, ecpmScratch.length * 2));
  return ecpmScratch;
}
function scratchKinds(n: number): Uint8Array {
  if (kindScratch.length < n) kindScratch = new Uint8Array(Math.max(n, kindScratch.length * 2));
  return kindScratch;
}

/** Smallest whole-micro bid whose eCPM beats `bar` by at least one increment's worth. */
function minBidToBeat(bar: number, bid: Bid, incrementMicros: number): number {
  if (bar === 0) return bid.reserveMicros;
  return Math.max(bid.reserveMicros, Math.ceil(bar / (1000 * bid.eventProbability) - 1e-9) + incrementMicros);
}
