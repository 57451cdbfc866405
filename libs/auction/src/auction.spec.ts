import { describe, expect, it } from 'vitest';
import { AuctionResult, ecpmOf, lossReasonOf, Outcome, runAuction, type Bid } from './auction';
import { seededRandom as rng } from './random';

const cpc = (id: string, bidMicros: number, ctr: number, reserveMicros = 0): Bid => ({
  id,
  bidMicros,
  billableEvent: 'CLICKTHROUGH',
  eventProbability: ctr,
  reserveMicros,
});
const cpm = (id: string, cpmMicros: number, reserveCpmMicros = 0): Bid => ({
  id,
  bidMicros: cpmMicros / 1000,
  billableEvent: 'IMPRESSION',
  eventProbability: 1,
  reserveMicros: reserveCpmMicros / 1000,
});
const USD = 1_000_000;


describe('runAuction: worked examples', () => {
  it('reproduces Edelman, Ostrovsky & Schwarz (2007): bids 10, 4, 2 for two slots pay 4 and 2 per click', () => {
    // Equal quality, so ranking is by bid; GSP charges each winner the next bid.
    const result = runAuction([cpc('b', 4 * USD, 0.01), cpc('a', 10 * USD, 0.01), cpc('c', 2 * USD, 0.01)], {
      slots: 2,
      minIncrementMicros: 0,
    });
    expect(result.winners.map((w) => [w.bid.id, w.slot, w.priceMicros])).toEqual([
      ['a', 0, 4 * USD],
      ['b', 1, 2 * USD],
    ]);
    expect(result.losers).toEqual([expect.objectContaining({ reason: 'OUTRANKED', minBidToWinMicros: 4 * USD })]);
  });

  it('reproduces the OpenRTB second-price example: $5 vs $3 CPM clears at $3.01', () => {
    const result = runAuction([cpm('x', 5 * USD), cpm('y', 3 * USD)], { slots: 1, minIncrementMicros: 10 });
    expect(result.winners).toHaveLength(1);
    expect(result.winners[0]!.bid.id).toBe('x');
    // 3,010 micros per impression = $3.01 CPM.
    expect(result.winners[0]!.priceMicros).toBe(3010);
  });

  it('ranks by expected value: a cheaper bid with a better CTR beats a dearer one and pays per its own CTR', () => {
    // A: $1 CPC at 2% → eCPM $20. B: $2 CPC at 0.5% → eCPM $10.
    const result = runAuction([cpc('A', 1 * USD, 0.02), cpc('B', 2 * USD, 0.005)], { slots: 1, minIncrementMicros: 10_000 });
    expect(result.winners[0]!.bid.id).toBe('A');
    // Least A could bid and keep the slot: $10 eCPM / (1000 × 0.02) = $0.50, plus one cent.
    expect(result.winners[0]!.priceMicros).toBe(510_000);
    expect(result.losers[0]).toMatchObject({ reason: 'OUTRANKED', minBidToWinMicros: 4_010_000 });
  });

  it('charges a lone bidder the reserve, and rejects bids under the reserve as BELOW_FLOOR with the floor as the bid to win', () => {
    const lone = runAuction([cpc('a', 3 * USD, 0.01, 100_000)], { slots: 1, minIncrementMicros: 10_000 });
    expect(lone.winners[0]!.priceMicros).toBe(100_000);
    const under = runAuction([cpc('a', 50_000, 0.01, 100_000)], { slots: 1, minIncrementMicros: 10_000 });
    expect(under.winners).toEqual([]);
    expect(under.losers[0]).toMatchObject({ reason: 'BELOW_FLOOR', minBidToWinMicros: 100_000 });
  });

  it('never charges more than the bid, even when one increment would pass it', () => {
    const result = runAuction([cpc('a', 1_000_005, 0.01), cpc('b', 1_000_000, 0.01)], { slots: 1, minIncrementMicros: 10_000 });
    expect(result.winners[0]!.priceMicros).toBe(1_000_005);
  });

  it('keeps ineligible candidates out with the reason the caller found', () => {
    const result = runAuction([{ ...cpc('a', 9 * USD, 0.05), ineligible: 'BUDGET' }, cpc('b', 1 * USD, 0.01)], {
      slots: 1,
      minIncrementMicros: 0,
    });
    expect(result.winners.map((w) => w.bid.id)).toEqual(['b']);
    expect(result.losers).toEqual([{ bid: expect.objectContaining({ id: 'a' }), reason: 'BUDGET', ecpm: null, minBidToWinMicros: null }]);
  });

  it('breaks exact eCPM ties by id unless a tie-break is injected', () => {
    const tied = [cpc('b', USD, 0.01), cpc('a', USD, 0.01)];
    expect(runAuction(tied, { slots: 1, minIncrementMicros: 0 }).winners[0]!.bid.id).toBe('a');
    const reverse = runAuction(tied, { slots: 1, minIncrementMicros: 0, tieBreak: (x, y) => (x.id < y.id ? 1 : -1) });
    expect(reverse.winners[0]!.bid.id).toBe('b');
  });

  it('refuses floats and negative money', () => {
    expect(() => runAuction([cpc('a', 1.5, 0.01)], { slots: 1, minIncrementMicros: 0 })).toThrow(RangeError);
    expect(() => runAuction([cpc('a', -1, 0.01)], { slots: 1, minIncrementMicros: 0 })).toThrow(RangeError);
    expect(() => runAuction([cpc('a', 1, 0)], { slots: 1, minIncrementMicros: 0 })).toThrow(RangeError);
  });
});

describe('runAuction: properties (seeded random auctions)', () => {
  function randomAuction(next: () => number, n: number): Bid[] {
    return Array.from({ length: n }, (_, i) =>
      next() < 0.5
        ? cpc(`ad${i}`, Math.floor(next() * 5 * USD), 0.001 + next() * 0.05, Math.floor(next() * 200_000))
        : cpm(`ad${i}`, Math.floor(next() * 20 * USD / 1000) * 1000, Math.floor(next() * 2 * USD / 1000) * 1000),
    );
  }

  it('price is within [reserve, bid] for every winner', () => {
    const next = rng(42);
    for (let t = 0; t < 500; t++) {
      const result = runAuction(randomAuction(next, 1 + Math.floor(next() * 30)), { slots: 1 + Math.floor(next() * 5), minIncrementMicros: 10 });
      for (const w of result.winners) {
        expect(w.priceMicros).toBeGreaterThanOrEqual(w.bid.reserveMicros);
        expect(w.priceMicros).toBeLessThanOrEqual(w.bid.bidMicros);
        expect(Number.isInteger(w.priceMicros)).toBe(true);
      }
    }
  });

  it('is invariant to the order of candidates', () => {
    const next = rng(7);
    for (let t = 0; t < 300; t++) {
      const bids = randomAuction(next, 2 + Math.floor(next() * 20));
      const shuffled = [...bids].sort(() => next() - 0.5);
      const key = (r: ReturnType<typeof runAuction>) => ({
        winners: r.winners.map((w) => [w.bid.id, w.slot, w.priceMicros]),
        losers: r.losers.map((l) => [l.bid.id, l.reason, l.minBidToWinMicros]).sort(),
      });
      expect(key(runAuction(shuffled, { slots: 3, minIncrementMicros: 10 }))).toEqual(key(runAuction(bids, { slots: 3, minIncrementMicros: 10 })));
    }
  });

  it('a winner never pays more by bidding more while it keeps its slot', () => {
    const next = rng(99);
    for (let t = 0; t < 300; t++) {
      const bids = randomAuction(next, 2 + Math.floor(next() * 10));
      const before = runAuction(bids, { slots: 2, minIncrementMicros: 10 });
      for (const w of before.winners) {
        if (w.priceMicros === w.bid.bidMicros) continue; // capped at its bid: raising it may lift the cap
        const raised = bids.map((b) => (b.id === w.bid.id ? { ...b, bidMicros: b.bidMicros * 2 } : b));
        const after = runAuction(raised, { slots: 2, minIncrementMicros: 10 }).winners.find((x) => x.bid.id === w.bid.id)!;
        if (after.slot === w.slot) expect(after.priceMicros).toBe(w.priceMicros);
      }
    }
  });

  it('an outranked loser bidding its minimum bid to win does win a slot', () => {
    const next = rng(1234);
    for (let t = 0; t < 300; t++) {
      const bids = randomAuction(next, 3 + Math.floor(next() * 10));
      const result = runAuction(bids, { slots: 2, minIncrementMicros: 10 });
      for (const loser of result.losers.filter((l) => l.reason === 'OUTRANKED')) {
        const retry = bids.map((b) => (b.id === loser.bid.id ? { ...b, bidMicros: loser.minBidToWinMicros! } : b));
        expect(runAuction(retry, { slots: 2, minIncrementMicros: 10 }).winners.map((w) => w.bid.id)).toContain(loser.bid.id);
      }
    }
  });

  it('ranks winners by non-increasing eCPM', () => {
    const next = rng(5);
    const result = runAuction(randomAuction(next, 50), { slots: 10, minIncrementMicros: 10 });
    const ecpms = result.winners.map((w) => ecpmOf(w.bid));
    expect([...ecpms].sort((a, b) => b - a)).toEqual(ecpms);
  });
});

describe('runAuction: the per-candidate arrays', () => {
  function randomAuction(next: () => number, n: number): Bid[] {
    const reasons = ['TARGETING', 'BUDGET', 'PACING', 'FREQUENCY_CAP'] as const;
    return Array.from({ length: n }, (_, i) => {
      const bid =
        next() < 0.5
          ? cpc(`ad${i}`, Math.floor(next() * 5 * USD), 0.001 + next() * 0.05, Math.floor(next() * 200_000))
          : cpm(`ad${i}`, Math.floor((next() * 20 * USD) / 1000) * 1000, Math.floor((next() * 2 * USD) / 1000) * 1000);
      return next() < 0.2 ? { ...bid, ineligible: reasons[Math.floor(next() * reasons.length)]! } : bid;
    });
  }
  /** Everything a result says, NaN kept as NaN (Array.from copies the arrays out of any reused buffer). */
  const answer = (r: AuctionResult) => ({
    ids: r.candidates.map((c) => c.id),
    winners: r.winners.map((w) => [w.bid.id, w.slot, w.ecpm, w.priceMicros]),
    outcomes: Array.from(r.outcomes),
    ecpms: Array.from(r.ecpms),
    minBids: Array.from(r.minBidsToWinMicros),
    runnerUp: r.runnerUpEcpm,
  });

  it('gives every candidate, in candidate order, WON or the reason it lost, with the loser records agreeing', () => {
    const result = runAuction(
      [{ ...cpc('ineligible', 9 * USD, 0.05), ineligible: 'PACING' }, cpc('third', 1 * USD, 0.01), cpc('first', 3 * USD, 0.01), cpc('floor', 50_000, 0.01, 100_000), cpc('second', 2 * USD, 0.01)],
      { slots: 2, minIncrementMicros: 0 },
    );
    expect(Array.from(result.outcomes)).toEqual([Outcome.PACING, Outcome.OUTRANKED, Outcome.WON, Outcome.BELOW_FLOOR, Outcome.WON]);
    // The bar is the second winner's eCPM: 2 USD at 1%.
    expect(Array.from(result.minBidsToWinMicros)).toEqual([Number.NaN, 2 * USD, Number.NaN, 2 * USD, Number.NaN]);
    expect(result.ecpms[0]).toBeNaN();
    expect(result.ecpms[1]).toBe(ecpmOf(result.candidates[1]!));
    expect(result.runnerUpEcpm).toBe(ecpmOf(result.candidates[1]!));
    expect(result.losers.map((l) => [l.bid.id, l.reason, l.minBidToWinMicros])).toEqual([
      ['ineligible', 'PACING', null],
      ['floor', 'BELOW_FLOOR', 2 * USD],
      ['third', 'OUTRANKED', 2 * USD],
    ]);
  });

  it('refuses an ineligibility that is not an eligibility loss reason rather than reading it as a win', () => {
    expect(() => runAuction([{ ...cpc('a', USD, 0.01), ineligible: 'OUTRANKED' as never }], { slots: 1, minIncrementMicros: 0 })).toThrow(RangeError);
  });

  it('names the runner-up only when someone was outranked', () => {
    expect(runAuction([cpc('a', USD, 0.01), cpc('b', USD / 2, 0.01)], { slots: 2, minIncrementMicros: 0 }).runnerUpEcpm).toBeNull();
    expect(runAuction([cpc('a', USD, 0.01), cpc('b', USD / 2, 0.01)], { slots: 1, minIncrementMicros: 0 }).runnerUpEcpm).toBe(ecpmOf(cpc('b', USD / 2, 0.01)));
  });

  it('maps loss codes to reasons and refuses WON and unknown codes', () => {
    expect(lossReasonOf(Outcome.OUTRANKED)).toBe('OUTRANKED');
    expect(lossReasonOf(Outcome.TARGETING)).toBe('TARGETING');
    expect(() => lossReasonOf(Outcome.WON)).toThrow(RangeError);
    expect(() => lossReasonOf(7)).toThrow(RangeError);
  });

  it('answers the same into a reused result as into a fresh one, as auctions grow and shrink', () => {
    const next = rng(31);
    const reused = new AuctionResult<Bid>();
    for (let t = 0; t < 300; t++) {
      const bids = randomAuction(next, Math.floor(next() * (t % 50 === 0 ? 3000 : 40)));
      const options = { slots: Math.floor(next() * 5), minIncrementMicros: 10 };
      expect(runAuction(bids, options, reused)).toBe(reused);
      expect(answer(reused)).toEqual(answer(runAuction(bids, options)));
      expect(reused.outcomes).toHaveLength(bids.length);
      expect(reused.minBidsToWinMicros).toHaveLength(bids.length);
    }
  });

  it('leaves an earlier result alone unless it is passed in to be rewritten', () => {
    const first = runAuction([cpc('a', 3 * USD, 0.01), cpc('b', USD, 0.01)], { slots: 1, minIncrementMicros: 0 });
    const before = answer(first);
    runAuction([cpc('c', USD, 0.01), cpc('d', 3 * USD, 0.01), cpc('e', 2 * USD, 0.01)], { slots: 2, minIncrementMicros: 0 });
    expect(answer(first)).toEqual(before);
  });

  it('keeps no candidates or winners once cleared', () => {
    const result = runAuction([cpc('a', 3 * USD, 0.01), cpc('b', USD, 0.01)], { slots: 1, minIncrementMicros: 0 });
    result.clear();
    expect(answer(result)).toEqual({ ids: [], winners: [], outcomes: [], ecpms: [], minBids: [], runnerUp: null });
    expect(result.losers).toEqual([]);
  });
});
