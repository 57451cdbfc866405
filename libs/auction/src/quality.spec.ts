import { describe, expect, it } from 'vitest';
import { DEFAULT_CTR_PRIOR, predictCtr } from './quality';

describe('predictCtr (smoothed quality score)', () => {
  it('starts a new ad at the prior rate', () => {
    expect(predictCtr(0, 0)).toBeCloseTo(DEFAULT_CTR_PRIOR.rate, 12);
  });

  it('moves towards the observed rate as evidence grows', () => {
    const few = predictCtr(5, 100); // observed 5%
    const many = predictCtr(5_000, 100_000); // observed 5%
    expect(few).toBeCloseTo((5 + 10) / 1100, 12);
    expect(many).toBeGreaterThan(few);
    expect(many).toBeCloseTo((5_000 + 10) / 101_000, 12);
  });

  it('does not let a lucky click on a few impressions dominate', () => {
    expect(predictCtr(1, 1)).toBeLessThan(0.012);
  });

  it('caps clicks at impressions and rejects nonsense input', () => {
    expect(predictCtr(10, 5)).toBe(predictCtr(5, 5));
    expect(() => predictCtr(-1, 5)).toThrow(RangeError);
    expect(() => predictCtr(1.5, 5)).toThrow(RangeError);
    expect(() => predictCtr(0, 0, { rate: 0, weight: 10 })).toThrow(RangeError);
  });
});
