import { describe, expect, it } from 'vitest';
import { runAuction } from './auction';
import {
  RESERVE_CURRENCIES,
  RESERVE_USD_MICROS,
  SERVING_PLACEMENTS,
  convertUsdMicros,
  isReserveCurrency,
  microsPerMinorUnit,
  reservePerEventMicros,
  reservePrice,
  type ReserveCurrency,
} from './reserve';

const currencies = Object.keys(RESERVE_CURRENCIES) as ReserveCurrency[];

describe('reservePrice', () => {
  it('returns the USD table unchanged in USD: CPM floors for IMPRESSION, CPC floors for CLICKTHROUGH', () => {
    expect(reservePrice({ placement: 'BROWSE', billableEvent: 'IMPRESSION', currency: 'USD' })).toBe(2_000_000);
    expect(reservePrice({ placement: 'SEARCH', billableEvent: 'IMPRESSION', currency: 'USD' })).toBe(3_000_000);
    expect(reservePrice({ placement: 'OTHER', billableEvent: 'IMPRESSION', currency: 'USD' })).toBe(1_500_000);
    expect(reservePrice({ placement: 'BROWSE', billableEvent: 'CLICKTHROUGH', currency: 'USD' })).toBe(100_000);
    expect(reservePrice({ placement: 'SEARCH', billableEvent: 'CLICKTHROUGH', currency: 'USD' })).toBe(150_000);
    expect(reservePrice({ placement: 'OTHER', billableEvent: 'CLICKTHROUGH', currency: 'USD' })).toBe(80_000);
  });

  it('prices ALL at the lowest placement floor, so an ALL bid that clears it can win somewhere', () => {
    for (const billableEvent of ['IMPRESSION', 'CLICKTHROUGH'] as const) {
      for (const currency of currencies) {
        const all = reservePrice({ placement: 'ALL', billableEvent, currency });
        const each = SERVING_PLACEMENTS.map((placement) => reservePrice({ placement, billableEvent, currency }));
        expect(all).toBe(Math.min(...each));
      }
    }
  });

  it('converts with the static factor and rounds up to the minor unit (EUR cents, JPY/KRW/CLP whole units)', () => {
    // 0.10 USD × 0.92 = 0.092 EUR → 0.10 EUR (rounded up to the next cent)
    expect(reservePrice({ placement: 'BROWSE', billableEvent: 'CLICKTHROUGH', currency: 'EUR' })).toBe(100_000);
    // 2.00 USD × 0.92 = 1.84 EUR exactly
    expect(reservePrice({ placement: 'BROWSE', billableEvent: 'IMPRESSION', currency: 'EUR' })).toBe(1_840_000);
    // 0.08 USD × 150 = 12 JPY exactly; 0.15 USD × 1350 = 202.5 KRW → 203 KRW
    expect(reservePrice({ placement: 'OTHER', billableEvent: 'CLICKTHROUGH', currency: 'JPY' })).toBe(12_000_000);
    expect(reservePrice({ placement: 'SEARCH', billableEvent: 'CLICKTHROUGH', currency: 'KRW' })).toBe(203_000_000);
    // 0.08 USD × 950 = 76 CLP
    expect(reservePrice({ placement: 'OTHER', billableEvent: 'CLICKTHROUGH', currency: 'CLP' })).toBe(76_000_000);
  });

  it('is always a whole minor unit and never worth less than the USD floor at the table rate', () => {
    for (const currency of currencies) {
      const info = RESERVE_CURRENCIES[currency];
      for (const [billableEvent, floors] of Object.entries(RESERVE_USD_MICROS) as [keyof typeof RESERVE_USD_MICROS, Record<string, number>][]) {
        for (const placement of SERVING_PLACEMENTS) {
          const local = reservePrice({ placement, billableEvent, currency });
          expect(Number.isSafeInteger(local)).toBe(true);
          expect(local % microsPerMinorUnit(currency)).toBe(0);
          // local / rate ≥ usd  ⇔  local × 1e6 ≥ usd × rate (integers, exact in bigint)
          expect(BigInt(local) * 1_000_000n >= BigInt(floors[placement]!) * BigInt(info.perUsdMillionths)).toBe(true);
          // …and less than one minor unit above it.
          expect((BigInt(local) - BigInt(microsPerMinorUnit(currency))) * 1_000_000n < BigInt(floors[placement]!) * BigInt(info.perUsdMillionths)).toBe(true);
        }
      }
    }
  });

  it('rejects an unknown currency, placement or billable event instead of pricing at zero', () => {
    expect(() => reservePrice({ placement: 'BROWSE', billableEvent: 'IMPRESSION', currency: 'XXX' as ReserveCurrency })).toThrow(RangeError);
    expect(() => reservePrice({ placement: 'FEED' as 'BROWSE', billableEvent: 'IMPRESSION', currency: 'USD' })).toThrow(RangeError);
    expect(() => reservePrice({ placement: 'BROWSE', billableEvent: 'VIDEO_V_50_MRC' as 'IMPRESSION', currency: 'USD' })).toThrow(RangeError);
  });
});

describe('convertUsdMicros', () => {
  it('rounds up any fraction of a minor unit, including a single micro', () => {
    expect(convertUsdMicros(1, 'USD')).toBe(10_000);
    expect(convertUsdMicros(1, 'JPY')).toBe(1_000_000);
    expect(convertUsdMicros(0, 'KRW')).toBe(0);
    expect(convertUsdMicros(10_000, 'USD')).toBe(10_000);
  });

  it('stays exact for amounts whose intermediate product exceeds 2^53', () => {
    // 2,000,000.000001 USD × 3950: the product 7.9e21 is beyond doubles; bigint keeps the last micro.
    expect(convertUsdMicros(2_000_000_000_001, 'COP')).toBe(7_900_000_000_010_000);
  });

  it('refuses a result beyond the safe integer range rather than returning an inexact amount', () => {
    expect(() => convertUsdMicros(9_000_000_000_000, 'COP')).toThrow(RangeError);
  });

  it('refuses negative or fractional micros', () => {
    expect(() => convertUsdMicros(-1, 'USD')).toThrow(RangeError);
    expect(() => convertUsdMicros(1.5, 'USD')).toThrow(RangeError);
  });
});

describe('isReserveCurrency', () => {
  it('knows every currency of the table and nothing else', () => {
    for (const c of currencies) expect(isReserveCurrency(c)).toBe(true);
    expect(isReserveCurrency('UNK')).toBe(false);
    expect(isReserveCurrency('toString')).toBe(false);
  });
});

describe('reservePerEventMicros feeds the auction', () => {
  it('turns a CPM floor into a per-impression floor and keeps a CPC floor per click', () => {
    expect(reservePerEventMicros({ placement: 'BROWSE', billableEvent: 'IMPRESSION', currency: 'USD' })).toBe(2_000);
    expect(reservePerEventMicros({ placement: 'SEARCH', billableEvent: 'CLICKTHROUGH', currency: 'USD' })).toBe(150_000);
  });

  it('a CPM bid exactly at the floor wins alone at the floor; one micro-dollar of CPM less loses BELOW_FLOOR', () => {
    const reserve = reservePerEventMicros({ placement: 'SEARCH', billableEvent: 'IMPRESSION', currency: 'EUR' });
    const floorCpm = reservePrice({ placement: 'SEARCH', billableEvent: 'IMPRESSION', currency: 'EUR' });
    const atFloor = runAuction(
      [{ id: 'a', bidMicros: floorCpm / 1000, billableEvent: 'IMPRESSION', eventProbability: 1, reserveMicros: reserve }],
      { slots: 1, minIncrementMicros: 10 },
    );
    expect(atFloor.winners[0]?.priceMicros).toBe(reserve);
    const below = runAuction(
      [{ id: 'a', bidMicros: reserve - 1, billableEvent: 'IMPRESSION', eventProbability: 1, reserveMicros: reserve }],
      { slots: 1, minIncrementMicros: 10 },
    );
    expect(below.losers[0]?.reason).toBe('BELOW_FLOOR');
  });
});
