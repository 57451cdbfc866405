import { describe, expect, it } from 'vitest';
import { nextQuarter, previousQuarter, quarterLabel, quarterOf, quarterRange, sameQuarterLastYear } from './period';

describe('quarters over local dates', () => {
  it.each([
    ['2026-01-01', '2026-Q1'],
    ['2026-03-31', '2026-Q1'],
    ['2026-04-01', '2026-Q2'],
    ['2026-06-30', '2026-Q2'],
    ['2026-07-01', '2026-Q3'],
    ['2026-09-30', '2026-Q3'],
    ['2026-10-01', '2026-Q4'],
    ['2026-12-31', '2026-Q4'],
  ])('%s falls in %s', (date, label) => {
    expect(quarterLabel(quarterOf(date))).toBe(label);
  });

  it('gives half-open ranges, across year ends', () => {
    expect(quarterRange({ year: 2026, quarter: 1 })).toEqual({ start: '2026-01-01', endExclusive: '2026-04-01' });
    expect(quarterRange({ year: 2026, quarter: 4 })).toEqual({ start: '2026-10-01', endExclusive: '2027-01-01' });
  });

  it('steps to the previous quarter (QoQ), the next, and the same quarter a year earlier (YoY)', () => {
    expect(previousQuarter({ year: 2026, quarter: 1 })).toEqual({ year: 2025, quarter: 4 });
    expect(previousQuarter({ year: 2026, quarter: 3 })).toEqual({ year: 2026, quarter: 2 });
    expect(nextQuarter({ year: 2026, quarter: 4 })).toEqual({ year: 2027, quarter: 1 });
    expect(sameQuarterLastYear({ year: 2026, quarter: 2 })).toEqual({ year: 2025, quarter: 2 });
  });

  it('refuses anything but YYYY-MM-DD with a real month', () => {
    expect(() => quarterOf('2026-13-01')).toThrow(RangeError);
    expect(() => quarterOf('2026-00-10')).toThrow(RangeError);
    expect(() => quarterOf('2026-1-1')).toThrow(RangeError);
    expect(() => quarterOf('2026-01-01T00:00:00Z')).toThrow(RangeError);
  });
});
