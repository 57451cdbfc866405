import { AuctionResult, runAuction, seededRandom, type Bid } from '@loupe/auction';
import { describe, expect, it } from 'vitest';
import { bidBucket, bucketBid } from './explain';
import { localMinuteOfDay, remainingLocalDays } from './local-time';
import { MIN_INCREMENT_MICROS, withIncrements } from './serve.service';

const cpm = (id: string, perImpression: number, reserve = 2_000): Bid => ({ id, bidMicros: perImpression, billableEvent: 'IMPRESSION', eventProbability: 1, reserveMicros: reserve });
const cpc = (id: string, perClick: number, ctr: number, reserve = 100_000): Bid => ({ id, bidMicros: perClick, billableEvent: 'CLICKTHROUGH', eventProbability: ctr, reserveMicros: reserve });
const auction = (bids: Bid[], slots: number) => withIncrements(runAuction(bids, { slots, minIncrementMicros: 0 }));

describe('GSP prices with an increment per bid unit', () => {
  it('a CPM winner pays the runner-up plus 0.01 per thousand impressions (10 micros per impression)', () => {
    const { winners } = auction([cpm('a', 10_000), cpm('b', 6_000)], 1);
    expect(winners.map((w) => [w.bid.id, w.priceMicros])).toEqual([['a', 6_000 + MIN_INCREMENT_MICROS.IMPRESSION]]);
  });

  it('a CPC winner pays the runner-up eCPM at its own CTR plus 0.01 per click', () => {
    // b's eCPM: 500,000 × 0.02 × 1000 = 10,000,000; a (CTR 0.04) keeps its slot at 250,000 per click.
    const { winners } = auction([cpc('a', 1_000_000, 0.04), cpc('b', 500_000, 0.02)], 1);
    expect(winners[0]!.priceMicros).toBe(250_000 + 10_000);
  });

  it('mixes billings on one eCPM scale, and the last slot is priced by the best outranked loser', () => {
    // eCPMs: a 12,000,000 (CPC 0.60 × 2%), b 9,000,000 (CPM 9.00), c 5,000,000 (CPC 0.50 × 1%).
    const { winners, losers } = auction([cpc('a', 600_000, 0.02), cpm('b', 9_000), cpc('c', 500_000, 0.01)], 2);
    expect(winners.map((w) => [w.bid.id, w.priceMicros])).toEqual([
      ['a', 450_000 + 10_000],
      ['b', 5_000 + 10],
    ]);
    // c needed b's eCPM at its CTR (900,000 per click) plus one increment.
    expect(losers).toEqual([expect.objectContaining({ reason: 'OUTRANKED', minBidToWinMicros: 900_000 + 10_000 })]);
  });

  it('a lone winner pays its reserve, and no price exceeds the bid', () => {
    expect(auction([cpm('a', 9_000)], 1).winners[0]!.priceMicros).toBe(2_000);
    expect(auction([cpm('a', 6_005), cpm('b', 6_000)], 1).winners[0]!.priceMicros).toBe(6_005);
  });
});

describe('GSP prices on a reused auction result', () => {
  it('adds the increments in place to the minimum bids of the losers only, the same as on a fresh result', () => {
    const next = seededRandom(17);
    const reused = new AuctionResult<Bid>();
    for (let t = 0; t < 200; t++) {
      const bids = Array.from({ length: 1 + Math.floor(next() * 30) }, (_, i) =>
        next() < 0.5 ? cpc(`c${i}`, 50_000 + Math.floor(next() * 2_000_000), 0.002 + next() * 0.03) : cpm(`m${i}`, Math.floor(next() * 20_000)),
      );
      const slots = 1 + Math.floor(next() * 3);
      const fresh = auction(bids, slots);
      withIncrements(runAuction(bids, { slots, minIncrementMicros: 0 }, reused));
      expect(reused.winners.map((w) => [w.bid.id, w.priceMicros])).toEqual(fresh.winners.map((w) => [w.bid.id, w.priceMicros]));
      expect(reused.losers).toEqual(fresh.losers);
      for (const w of reused.winners) expect(reused.minBidsToWinMicros[bids.indexOf(w.bid)]).toBeNaN();
    }
  });
});

describe('minimum-bid histogram buckets', () => {
  it('a bucket covers its bid from above, within 5%', () => {
    for (const bid of [1, 999, 2_000, 10_010_000, 123_456_789]) {
      expect(bucketBid(bidBucket(bid))).toBeGreaterThanOrEqual(bid);
      expect(bucketBid(bidBucket(bid))).toBeLessThanOrEqual(Math.ceil(bid * 1.05) + 1);
    }
  });
});

describe('account-local time', () => {
  it("cuts minutes of the day in the account's timezone", () => {
    const at = Date.parse('2026-11-27T15:30:00Z');
    expect(localMinuteOfDay('UTC', at)).toBe(15 * 60 + 30);
    expect(localMinuteOfDay('America/New_York', at)).toBe(10 * 60 + 30);
  });

  it('counts the local days left to an end time, today and the last day included', () => {
    const at = Date.parse('2026-11-27T15:30:00Z');
    expect(remainingLocalDays('UTC', at, Date.parse('2026-11-30T00:00:00Z') / 1000)).toBe(3);
    expect(remainingLocalDays('UTC', at, Date.parse('2026-11-30T00:00:01Z') / 1000)).toBe(4);
    expect(remainingLocalDays('UTC', at, Date.parse('2026-11-27T18:00:00Z') / 1000)).toBe(1);
    // 02:00 UTC on the 28th is still the 27th in New York.
    expect(remainingLocalDays('America/New_York', at, Date.parse('2026-11-28T02:00:00Z') / 1000)).toBe(1);
  });
});
