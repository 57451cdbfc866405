import { describe, expect, it } from 'vitest';
import { type Fraction, compareFractions, fraction, fractionToDecimal } from './exact';
import { type BaseMeasures, aggregate, measures, totalConversionValueMicros, totalConversions, totalEngagements } from './measures';
import { conversionRate, cpaMicros, cpcMicros, cpmMicros, ctr, engagementRate, frequency, growth, roas, roi } from './metrics';

// One hand-computed slice: spend 12.50, 1000 impressions, 25 clicks, 4 conversions worth 90.00.
const slice = measures({
  impressions: 1000,
  clicks: 25,
  outboundClicks: 10,
  saves: 5,
  closeups: 8,
  shares: 2,
  spendMicros: 12_500_000,
  conversions: { checkout: 3, SIGNUP: 1 },
  conversionValueMicros: { checkout: 90_000_000, signup: 0 },
  uniqueUsers: 400,
});

const dec = (value: Fraction | null, scale = 10): string | null => (value === null ? null : fractionToDecimal(value, scale));

describe('metric definitions on a hand-computed slice', () => {
  it('computes every ratio as sum(numerator) / sum(denominator)', () => {
    expect(dec(ctr(slice))).toBe('0.0250000000'); // 25 / 1000
    expect(dec(roas(slice))).toBe('7.2000000000'); // 90 / 12.5
    expect(dec(roi(slice))).toBe('6.2000000000'); // (90 − 12.5) / 12.5
    expect(totalEngagements(slice)).toBe(50n); // 25 + 10 + 5 + 8 + 2
    expect(dec(engagementRate(slice))).toBe('0.0500000000'); // 50 / 1000
    expect(dec(conversionRate(slice))).toBe('0.1600000000'); // 4 / 25
    expect(dec(frequency(slice))).toBe('2.5000000000'); // 1000 / 400
  });

  it('computes money per unit in integer micros', () => {
    expect(cpcMicros(slice)).toBe(500_000n); // 12.50 / 25
    expect(cpmMicros(slice)).toBe(12_500_000n); // 12.50 / 1000 × 1000
    expect(cpaMicros(slice)).toBe(3_125_000n); // 12.50 / 4
  });

  it('narrows conversions, CPA, ROAS and conversion rate to one conversion type, case-insensitively', () => {
    expect(totalConversions(slice, 'CHECKOUT')).toBe(3n);
    expect(totalConversions(slice, 'signup')).toBe(1n);
    expect(totalConversions(slice, 'lead')).toBe(0n);
    expect(totalConversionValueMicros(slice, 'checkout')).toBe(90_000_000n);
    expect(cpaMicros(slice, 'checkout')).toBe(4_166_667n); // 12.50 / 3 = 4.1666666… rounds up
    expect(dec(roas(slice, 'checkout'))).toBe('7.2000000000');
    expect(dec(roas(slice, 'signup'))).toBe('0.0000000000');
    expect(dec(conversionRate(slice, 'checkout'))).toBe('0.1200000000');
    expect(cpaMicros(slice, 'lead')).toBeNull();
  });

  it('rounds money per unit half away from zero, once, on the exact quotient', () => {
    const odd = measures({ spendMicros: 1_000_001, clicks: 2, impressions: 3 });
    expect(cpcMicros(odd)).toBe(500_001n); // 500000.5
    expect(cpmMicros(odd)).toBe(333_333_667n); // 1000001000 / 3 = 333333666.67
    const down = measures({ spendMicros: 1_000_001, impressions: 7 });
    expect(cpmMicros(down)).toBe(142_857_286n); // 1000001000 / 7 = 142857285.71…
  });

  it('returns null, never 0 or Infinity, when the denominator is 0', () => {
    const empty = measures({ spendMicros: 5_000_000, conversionValueMicros: { checkout: 1 } });
    expect(ctr(empty)).toBeNull();
    expect(cpcMicros(empty)).toBeNull();
    expect(cpmMicros(empty)).toBeNull();
    expect(cpaMicros(empty)).toBeNull();
    expect(engagementRate(empty)).toBeNull();
    expect(conversionRate(empty)).toBeNull();
    expect(frequency(empty)).toBeNull();
    const noSpend = measures({ impressions: 10, clicks: 1, conversionValueMicros: { checkout: 1_000_000 } });
    expect(roas(noSpend)).toBeNull();
    expect(roi(noSpend)).toBeNull();
    // A zero numerator over a non-zero denominator is a real 0.
    expect(dec(ctr(measures({ impressions: 10 })))).toBe('0.0000000000');
  });

  it('stays exact with money far beyond 2^53 micros', () => {
    const spend = 2n ** 70n + 1n; // about 1.18e15 currency units
    const huge = measures({ spendMicros: spend, clicks: 3, impressions: 7, conversionValueMicros: { checkout: spend * 3n } });
    expect(cpcMicros(huge)).toBe(393530540239137101142n); // (2^70 + 1) / 3 = 393530540239137101141.67
    expect(cpmMicros(huge)).toBe(168655945816773043346429n); // (2^70 + 1) × 1000 / 7 = …428.57
    expect(dec(roas(huge))).toBe('3.0000000000');
    expect(dec(roi(huge))).toBe('2.0000000000');
    // Summing 10 rows of 2^62 micros each passes 2^64 without losing a micro.
    const rows = Array.from({ length: 10 }, (_, i) => measures({ spendMicros: 2n ** 62n + BigInt(i), clicks: 1 }));
    const total = aggregate(rows);
    expect(total.spendMicros).toBe(10n * 2n ** 62n + 45n);
    expect(cpcMicros(total)).toBe(2n ** 62n + 5n); // (10·2^62 + 45) / 10 = 2^62 + 4.5 → 2^62 + 5
  });
});

describe('growth (QoQ / YoY)', () => {
  it('is (current − previous) / previous', () => {
    expect(dec(growth(150, 100))).toBe('0.5000000000');
    expect(dec(growth(50n, 100n))).toBe('-0.5000000000');
    expect(dec(growth('0', '100'))).toBe('-1.0000000000');
    expect(dec(growth(100, 100))).toBe('0.0000000000');
  });

  it('is null when the previous period is 0 or unknown, or the current one unknown', () => {
    expect(growth(100, 0)).toBeNull();
    expect(growth(0, 0)).toBeNull();
    expect(growth(100, null)).toBeNull();
    expect(growth(null, 100)).toBeNull();
    expect(growth(fraction(3n, 1n), fraction(0n, 5n))).toBeNull();
  });

  it('compares ratios exactly, e.g. ROAS 3.0 after 2.0 is +50%', () => {
    expect(dec(growth({ num: 3n, den: 1n }, { num: 4n, den: 2n }))).toBe('0.5000000000');
    expect(dec(growth({ num: 1n, den: 3n }, { num: 1n, den: 6n }))).toBe('1.0000000000');
  });

  it('divides by |previous| so an improving negative ROI shows positive growth', () => {
    expect(dec(growth({ num: -1n, den: 4n }, { num: -1n, den: 2n }))).toBe('0.5000000000'); // −0.25 after −0.5
    expect(dec(growth({ num: -3n, den: 4n }, { num: -1n, den: 2n }))).toBe('-0.5000000000'); // −0.75 after −0.5
  });

  it('refuses a fraction with a zero denominator', () => {
    expect(() => growth({ num: 1n, den: 0n }, 1)).toThrow(/zero denominator/);
  });
});

describe('aggregation', () => {
  it('sums additive measures and conversions per type', () => {
    const a = measures({ impressions: 10, clicks: 1, spendMicros: 100, conversions: { checkout: 1 }, conversionValueMicros: { checkout: 5 } });
    const b = measures({ impressions: 5, saves: 2, spendMicros: '200', conversions: { checkout: 2, lead: 1 }, conversionValueMicros: { lead: 7 } });
    const total = aggregate([a, b]);
    expect(total.impressions).toBe(15n);
    expect(total.clicks).toBe(1n);
    expect(total.saves).toBe(2n);
    expect(total.spendMicros).toBe(300n);
    expect({ ...total.conversions }).toEqual({ checkout: 3n, lead: 1n });
    expect({ ...total.conversionValueMicros }).toEqual({ checkout: 5n, lead: 7n });
  });

  it('treats unique users as non-additive: unknown for a union unless the store counted it', () => {
    const a = measures({ uniqueUsers: 10 });
    const b = measures({ uniqueUsers: 10 });
    expect(aggregate([a]).uniqueUsers).toBe(10n);
    expect(aggregate([a, b]).uniqueUsers).toBeNull(); // 10..20 users; summing would claim 20
    expect(aggregate([a, b], { uniqueUsers: 13 }).uniqueUsers).toBe(13n);
    expect(aggregate([]).uniqueUsers).toBe(0n);
    expect(frequency(aggregate([a, b]))).toBeNull();
  });

  it('keeps an advertiser-supplied conversion type named __proto__ as data', () => {
    const m = measures({ conversions: { __proto__: 2 } as Record<string, number> });
    const odd = measures({ conversions: JSON.parse('{"__proto__": 2, "toString": 1}') as Record<string, number> });
    expect(totalConversions(odd)).toBe(3n);
    expect(totalConversions(odd, '__proto__')).toBe(2n);
    expect(totalConversions(aggregate([odd, odd]), 'toString')).toBe(2n);
    expect(totalConversions(m, 'constructor')).toBe(0n);
  });
});

/** mulberry32: a small seeded PRNG so the property test is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomRow(rand: () => number): BaseMeasures {
  const int = (max: number) => Math.floor(rand() * (max + 1));
  const impressions = int(5) === 0 ? 0 : int(100_000);
  const clicks = Math.min(impressions, int(2_000));
  return measures({
    impressions,
    clicks,
    outboundClicks: int(clicks),
    saves: int(500),
    closeups: int(500),
    shares: int(50),
    spendMicros: int(4) === 0 ? 0 : int(50_000_000_000),
    conversions: { checkout: int(40), lead: int(10) },
    conversionValueMicros: { checkout: int(900_000_000_000), lead: int(1_000_000) },
  });
}

const ratioMetrics: Record<string, (m: BaseMeasures) => Fraction | null> = {
  ctr,
  roas: (m) => roas(m),
  roi: (m) => roi(m),
  engagementRate,
  conversionRate: (m) => conversionRate(m),
};
const moneyMetrics: Record<string, (m: BaseMeasures) => bigint | null> = { cpc: cpcMicros, cpm: cpmMicros, cpa: (m) => cpaMicros(m) };

describe('totals are ratios of sums, never averages of ratios', () => {
  it('a metric over a union equals the metric of the summed slices, however the union is partitioned (seeded random slices)', () => {
    let averagesDiffered = 0;
    for (let seed = 1; seed <= 200; seed += 1) {
      const rand = prng(seed);
      const rows = Array.from({ length: 2 + Math.floor(rand() * 30) }, () => randomRow(rand));
      const direct = aggregate(rows);
      // Partition into random groups (like campaigns, then the account total).
      const groups: BaseMeasures[][] = [];
      for (const row of rows) {
        const index = Math.floor(rand() * 4);
        (groups[index] ??= []).push(row);
      }
      const viaGroups = aggregate(groups.filter(Boolean).map((group) => aggregate(group)));

      for (const [name, metric] of Object.entries(ratioMetrics)) {
        const expected = fraction(...sumsFor(name, rows));
        const got = metric(direct);
        const grouped = metric(viaGroups);
        expect({ seed, name, got: dec(got) }).toEqual({ seed, name, got: dec(expected) });
        if (expected === null) {
          expect(grouped).toBeNull();
          continue;
        }
        expect(compareFractions(grouped!, expected), `${name} seed ${seed}`).toBe(0);
        // The naive "average of the rows' ratios" is a different number on most slices.
        const perRow = rows.map(metric).filter((r): r is Fraction => r !== null);
        const average = perRow.reduce((sum, r) => sum + Number(r.num) / Number(r.den), 0) / perRow.length;
        if (Math.abs(average - Number(expected.num) / Number(expected.den)) > 1e-9) averagesDiffered += 1;
      }
      for (const [name, metric] of Object.entries(moneyMetrics)) {
        expect({ seed, name, value: metric(viaGroups) }).toEqual({ seed, name, value: metric(direct) });
      }
    }
    // The property above would also hold for a broken "average" definition on degenerate data; make sure the data is not degenerate.
    expect(averagesDiffered).toBeGreaterThan(500);
  });

  it('gives 1 click / 100 impressions, not 50%, for a 1/1 slice and a 0/99 slice', () => {
    const total = aggregate([measures({ impressions: 1, clicks: 1 }), measures({ impressions: 99, clicks: 0 })]);
    expect(dec(ctr(total), 4)).toBe('0.0100');
  });
});

function sumsFor(name: string, rows: BaseMeasures[]): [bigint, bigint] {
  const sum = (pick: (m: BaseMeasures) => bigint) => rows.reduce((total, row) => total + pick(row), 0n);
  const value = (m: BaseMeasures) => (m.conversionValueMicros.checkout ?? 0n) + (m.conversionValueMicros.lead ?? 0n);
  const conversions = (m: BaseMeasures) => (m.conversions.checkout ?? 0n) + (m.conversions.lead ?? 0n);
  switch (name) {
    case 'ctr':
      return [sum((m) => m.clicks), sum((m) => m.impressions)];
    case 'roas':
      return [sum(value), sum((m) => m.spendMicros)];
    case 'roi':
      return [sum(value) - sum((m) => m.spendMicros), sum((m) => m.spendMicros)];
    case 'engagementRate':
      return [sum((m) => m.clicks + m.outboundClicks + m.saves + m.closeups + m.shares), sum((m) => m.impressions)];
    case 'conversionRate':
      return [sum(conversions), sum((m) => m.clicks)];
    default:
      throw new Error(name);
  }
}
