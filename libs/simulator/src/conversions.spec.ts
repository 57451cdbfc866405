import { describe, expect, it } from 'vitest';
import {
  CONVERSION_TYPES,
  CONVERSION_VALUE_USD,
  conversionDelayCdf,
  conversionDelayMinutes,
  conversionDelayQuantile,
  conversionValueMicros,
  MAX_DELAY_MINUTES,
  MIN_DELAY_MINUTES,
} from './conversions';
import { streamRandom } from './random';

/** The quantiles docs/simulator.md lists (minutes), as the model computes them. */
const DOCUMENTED_QUANTILES = {
  checkout: { p10: 8.8, p50: 66, p90: 6187 },
  add_to_cart: { p10: 2.3, p50: 7.2, p90: 977 },
  signup: { p10: 1.8, p50: 5.0, p90: 720 },
  lead: { p10: 5.5, p50: 26, p90: 2827 },
} as const;

describe('conversion delays', () => {
  it.each(CONVERSION_TYPES)('%s: sampled delays follow the documented distribution', (type) => {
    const random = streamRandom(3, 'delays', type);
    const samples = Array.from({ length: 20_000 }, () => conversionDelayMinutes(random, type));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(MIN_DELAY_MINUTES);
    expect(Math.max(...samples)).toBeLessThanOrEqual(MAX_DELAY_MINUTES);
    for (const q of [0.1, 0.25, 0.5, 0.75, 0.9]) {
      const x = conversionDelayQuantile(type, q);
      const below = samples.filter((s) => s <= x).length / samples.length;
      expect(Math.abs(below - q), `q${q}`).toBeLessThan(0.012);
    }
    const documented = DOCUMENTED_QUANTILES[type];
    expect(conversionDelayQuantile(type, 0.1)).toBeCloseTo(documented.p10, 0);
    expect(conversionDelayQuantile(type, 0.5) / documented.p50).toBeCloseTo(1, 1);
    expect(conversionDelayQuantile(type, 0.9) / documented.p90).toBeCloseTo(1, 2);
  });

  it('spans minutes to days: most add-to-carts within the session, a fifth of checkouts after more than three days', () => {
    expect(conversionDelayCdf('add_to_cart', 60)).toBeGreaterThan(0.8);
    expect(1 - conversionDelayCdf('checkout', 3 * 1440)).toBeGreaterThan(0.15);
    expect(conversionDelayCdf('checkout', 15)).toBeGreaterThan(0.2);
  });
});

describe('conversion values', () => {
  it('are log-normal around the type\'s median, times the advertiser\'s scale', () => {
    const random = streamRandom(4, 'values');
    for (const type of CONVERSION_TYPES) {
      const values = Array.from({ length: 10_001 }, () => conversionValueMicros(random, type, 2, 'USD')).sort((a, b) => a - b);
      const median = values[5_000]! / 1_000_000;
      expect(Math.abs(median / (2 * CONVERSION_VALUE_USD[type].median) - 1), type).toBeLessThan(0.04);
    }
  });

  it('are integer micros in whole minor units of the account currency', () => {
    const random = streamRandom(4, 'currencies');
    for (let i = 0; i < 500; i++) {
      expect(conversionValueMicros(random, 'checkout', 1, 'USD') % 10_000).toBe(0);
      expect(conversionValueMicros(random, 'checkout', 1, 'EUR') % 10_000).toBe(0);
      expect(conversionValueMicros(random, 'checkout', 1, 'JPY') % 1_000_000).toBe(0);
    }
    // ~55 USD is ~8,250 JPY at the static 150 JPY/USD.
    const yen = Array.from({ length: 2_001 }, () => conversionValueMicros(random, 'checkout', 1, 'JPY')).sort((a, b) => a - b)[1_000]! / 1_000_000;
    expect(yen).toBeGreaterThan(7_000);
    expect(yen).toBeLessThan(9_500);
    expect(() => conversionValueMicros(random, 'checkout', 1, 'XYZ')).toThrow(RangeError);
  });
});
