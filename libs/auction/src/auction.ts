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

/** A loser as a record: what `AuctionResult.losers` lists (tests, diagnostics; not the request path). */
export interface Loser<B extends Bid = Bid> {
  bid: B;
  reason: LossReason;
  ecpm: number | null;
  /** For OUTRANKED and BELOW_FLOOR: the smallest bid (micros per event) that would have won the last slot. */
  minBidToWinMicros: number | null;
}

/**
 * Each candidate's outcome in `AuctionResult.outcomes`: WON, or the loss reason. One byte
 * per candidate instead of one record per loser (docs/serving.md, "Auction performance").
 */
export const Outcome = { WON: 0, TARGETING: 1, BUDGET: 2, PACING: 3, FREQUENCY_CAP: 4, BELOW_FLOOR: 5, OUTRANKED: 6 } as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

const REASON_OF_CODE: readonly (LossReason | undefined)[] = [undefined, 'TARGETING', 'BUDGET', 'PACING', 'FREQUENCY_CAP', 'BELOW_FLOOR', 'OUTRANKED'];

/** The loss reason an outcome code stands for; throws for WON and for codes that are none. */
export function lossReasonOf(code: number): LossReason {
  const reason = REASON_OF_CODE[code];
  if (reason === undefined) throw new RangeError(`outcome ${code} is not a loss reason`);
  return reason;
}

/**
 * The answer of `runAuction`, candidate by candidate in struct-of-arrays form: entry i of
 * `outcomes`, `ecpms` and `minBidsToWinMicros` is about `candidates[i]`.
 *
 * A result is reusable: pass it to the next `runAuction` as `into` and its arrays are
 * rewritten in the buffers they already have (grown when an auction has more candidates),
 * so a caller running auction after auction allocates nothing but the winner records.
 * Until then it is the caller's own, and may be kept across an await and adjusted in
 * place (the serve path re-prices with its own increments).
 */
export class AuctionResult<B extends Bid = Bid> {
  /** The candidates as given, in the order given. */
  readonly candidates: readonly B[] = [];
  /** Slot by slot, best first. */
  readonly winners: Winner<B>[] = [];
  /** Per candidate: an `Outcome` code — WON or why it lost. */
  readonly outcomes: Uint8Array = new Uint8Array(0);
  /** Per candidate: its eCPM; NaN for a candidate the caller found ineligible (never scored). */
  readonly ecpms: Float64Array = new Float64Array(0);
  /**
   * Per candidate lost OUTRANKED or BELOW_FLOOR: the smallest bid, integer micros per
   * billable event, that would have won the last slot (a JS number is a float64, so a
   * Float64Array holds the same exact integers); NaN for every other candidate.
   */
  readonly minBidsToWinMicros: Float64Array = new Float64Array(0);
  /** eCPM of the best outranked candidate (the runner-up who prices the last slot); null when no one was outranked. */
  readonly runnerUpEcpm: number | null = null;

  /**
   * The losers as records, built anew from the arrays on every read (so they show any
   * in-place adjustment): first those ineligible or below the floor, then the outranked,
   * each group in candidate order. For tests and diagnostics: the request path reads the
   * arrays and allocates nothing per candidate.
   */
  get losers(): Loser<B>[] {
    const losers: Loser<B>[] = [];
    const { candidates, outcomes, ecpms, minBidsToWinMicros } = this;
    for (const outranked of [false, true]) {
      for (let i = 0; i < candidates.length; i++) {
        const code = outcomes[i]!;
        if (code === Outcome.WON || (code === Outcome.OUTRANKED) !== outranked) continue;
        const ecpm = ecpms[i]!;
        const minBid = minBidsToWinMicros[i]!;
        losers.push({
          bid: candidates[i]!,
          reason: lossReasonOf(code),
          ecpm: Number.isNaN(ecpm) ? null : ecpm,
          minBidToWinMicros: Number.isNaN(minBid) ? null : minBid,
        });
      }
    }
    return losers;
  }

  /** Lets go of the last auction's candidates and winners (so they can be collected), keeping the buffers. */
  clear(): void {
    const result = this as Writable<AuctionResult<B>>;
    result.winners = [];
    result.runnerUpEcpm = null;
    resize(result, [], 0);
  }
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** Points the result at new candidates, its arrays `n` long over its buffers (grown, at least doubling, when too small). */
function resize<B extends Bid>(result: Writable<AuctionResult<B>>, candidates: readonly B[], n: number): void {
  result.candidates = candidates;
  if (result.outcomes.length === n) return;
  // The views are n long; their buffers (`.buffer`) may be longer.
  const capacity = result.outcomes.buffer.byteLength;
  if (capacity >= n) {
    result.outcomes = new Uint8Array(result.outcomes.buffer, 0, n);
    result.ecpms = new Float64Array(result.ecpms.buffer, 0, n);
    result.minBidsToWinMicros = new Float64Array(result.minBidsToWinMicros.buffer, 0, n);
  } else {
    const grown = Math.max(n, capacity * 2);
    result.outcomes = new Uint8Array(grown).subarray(0, n);
    result.ecpms = new Float64Array(grown).subarray(0, n);
    result.minBidsToWinMicros = new Float64Array(grown).subarray(0, n);
  }
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

function eligibilityCode(reason: EligibilityLoss): Outcome {
  switch (reason) {
    case 'TARGETING':
      return Outcome.TARGETING;
    case 'BUDGET':
      return Outcome.BUDGET;
    case 'PACING':
      return Outcome.PACING;
    case 'FREQUENCY_CAP':
      return Outcome.FREQUENCY_CAP;
    default:
      // Unreachable from typed callers; from others it would otherwise read as code 0, WON.
      throw new RangeError(`ineligible must be an eligibility loss reason, not ${String(reason)}`);
  }
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
 * Every candidate gets its outcome (WON or a loss reason) and every OUTRANKED or
 * BELOW_FLOOR loser its minimum bid to win, in typed arrays indexed like the candidates.
 *
 * Work and allocation are kept to what the answer needs (docs/serving.md, "Auction
 * performance"): one pass scores every candidate into the result's arrays and keeps only
 * the best k + 1 in order (k winners and the runner-up who sets the last price: O(n·k),
 * no sort); a second pass writes each loser's minimum bid to win. Nothing is allocated
 * per candidate: the answer is three typed arrays (reused with `into`) and k winner records.
 *
 * `into`: a result of an earlier auction that is no longer needed, to be rewritten (if
 * the auction throws, on an invalid bid, `into` holds nothing meaningful).
 */
export function runAuction<B extends Bid>(candidates: readonly B[], options: AuctionOptions, into: AuctionResult<B> = new AuctionResult<B>()): AuctionResult<B> {
  if (!Number.isInteger(options.slots) || options.slots < 0) throw new RangeError('slots must be a non-negative integer');
  const increment = options.minIncrementMicros;
  if (!Number.isSafeInteger(increment) || increment < 0) throw new RangeError('minIncrementMicros must be a non-negative integer');
  const tieBreak = options.tieBreak ?? byId;
  const n = candidates.length;
  const result = into as Writable<AuctionResult<B>>;
  resize(result, candidates, n);
  const { outcomes, ecpms, minBidsToWinMicros: minBids } = result;
  const keep = options.slots + 1;
  // Indices of the best `keep` eligible candidates, best first.
  const top: number[] = [];
  // The eCPM a candidate must reach to enter `top` once it is full (-1: not yet full).
  let entry = -1;
  for (let i = 0; i < n; i++) {
    const bid = candidates[i]!;
    validate(bid);
    if (bid.ineligible) {
      outcomes[i] = eligibilityCode(bid.ineligible);
      ecpms[i] = Number.NaN;
      continue;
    }
    const ecpm = bid.bidMicros * bid.eventProbability * 1000;
    ecpms[i] = ecpm;
    if (bid.bidMicros < bid.reserveMicros) {
      outcomes[i] = Outcome.BELOW_FLOOR;
      continue;
    }
    outcomes[i] = Outcome.OUTRANKED;
    if (ecpm < entry) continue;
    let at = top.length;
    if (at === keep) {
      const last = top[keep - 1]!;
      if (!(ecpm > entry || tieBreak(bid, candidates[last]!) < 0)) continue;
      at = keep - 1;
    }
    while (at > 0) {
      const j = top[at - 1]!;
      if (!(ecpm > ecpms[j]! || (ecpm === ecpms[j]! && tieBreak(bid, candidates[j]!) < 0))) break;
      top[at] = j;
      at--;
    }
    top[at] = i;
    if (top.length === keep) entry = ecpms[top[keep - 1]!]!;
  }

  const slots = Math.min(options.slots, top.length);
  // A new array each auction (a caller may still hold the last one), made here rather than
  // in a helper: V8 then knows from this literal that it holds objects (a literal shared
  // with other call sites sent every auction through a deoptimization at the push).
  const winners: Winner<B>[] = [];
  for (let s = 0; s < slots; s++) {
    const i = top[s]!;
    const bid = candidates[i]!;
    const ecpm = ecpms[i]!;
    // The price that keeps slot s: tie the next eCPM, then one increment more.
    const secondPrice = s + 1 < top.length ? ecpms[top[s + 1]!]! / (1000 * bid.eventProbability) + increment : 0;
    const price = Math.min(bid.bidMicros, Math.max(bid.reserveMicros, Math.ceil(secondPrice - 1e-9)));
    winners.push({ bid, slot: s, ecpm, priceMicros: price });
    outcomes[i] = Outcome.WON;
  }

  // The last winning eCPM is the bar every loser had to clear (0 when a slot went unfilled).
  const bar = winners.length === options.slots && winners.length > 0 ? winners[winners.length - 1]!.ecpm : 0;
  // Every candidate with P = 1 (all those billed per impression) divides the bar by the same 1000: once.
  const perImpression = bar === 0 ? 0 : Math.ceil(bar / 1000 - 1e-9) + increment;
  for (let i = 0; i < n; i++) {
    const code = outcomes[i]!;
    if (code !== Outcome.OUTRANKED && code !== Outcome.BELOW_FLOOR) {
      minBids[i] = Number.NaN;
      continue;
    }
    // Below the floor or outranked, the bid to win must clear both the bar and the floor.
    const bid = candidates[i]!;
    minBids[i] = bid.eventProbability === 1 ? Math.max(bid.reserveMicros, perImpression) : minBidToBeat(bar, bid, increment);
  }
  result.winners = winners;
  result.runnerUpEcpm = top.length > slots ? ecpms[top[slots]!]! : null;
  return result;
}

/** Smallest whole-micro bid, not under the candidate's floor, whose eCPM beats `bar` by at least one increment's worth. */
function minBidToBeat(bar: number, bid: Bid, incrementMicros: number): number {
  if (bar === 0) return bid.reserveMicros;
  return Math.max(bid.reserveMicros, Math.ceil(bar / (1000 * bid.eventProbability) - 1e-9) + incrementMicros);
}
