import { describe, expect, it } from 'vitest';
import { attachmentName } from './api';
import { currentMonthIn, instantLabel, localDateLabel, money, offeredYears, periodLabel, yearRange } from './periods';

describe('finance formatting', () => {
  it('formats integer micros exactly in the account currency, rounding half away from zero once', () => {
    expect(money(1_234_565_000, 'USD')).toBe('$1,234.57');
    expect(money(1_234_564_999, 'USD')).toBe('$1,234.56');
    // 0.1 + 0.2 in micros: no float ever holds the amount.
    expect(money(100_000 + 200_000, 'USD')).toBe('$0.30');
    expect(money(-2_500_000, 'EUR')).toBe('-€2.50');
    expect(money(1_234_500_000, 'JPY')).toBe('¥1,235');
    // Beyond 2^53 micros (9 billion dollars) a float would lose cents; bigint-exact formatting does not.
    expect(money(9_007_199_254_740_991, 'USD')).toBe('$9,007,199,254.74');
  });

  it('names months and quarters and shows local dates as the API cut them', () => {
    expect(periodLabel('2026-07')).toBe('July 2026');
    expect(periodLabel('2026-Q3')).toBe('Q3 2026');
    expect(localDateLabel('2026-06-30')).toBe('Jun 30, 2026');
  });

  it('shows instants in the account timezone, naming the zone', () => {
    expect(instantLabel('2026-10-31T15:30:00Z', 'Asia/Tokyo')).toBe('Nov 1, 2026, 12:30 AM GMT+9');
    expect(instantLabel('2026-10-31T15:30:00Z', 'America/New_York')).toBe('Oct 31, 2026, 11:30 AM EDT');
    expect(instantLabel(null, 'UTC')).toBe('—');
  });

  it('takes the current month in the account timezone, so Tokyo is in December while New York is still in November', () => {
    const now = new Date('2026-11-30T16:00:00Z');
    expect(currentMonthIn('Asia/Tokyo', now)).toBe('2026-12');
    expect(currentMonthIn('America/New_York', now)).toBe('2026-11');
  });

  it('asks for a year up to the current month, whole past years, and offers the last three years', () => {
    expect(yearRange(2026, 'QUARTER', '2026-11')).toEqual({ granularity: 'QUARTER', start: '2026-01', end: '2026-11' });
    expect(yearRange(2025, 'MONTH', '2026-11')).toEqual({ granularity: 'MONTH', start: '2025-01', end: '2025-12' });
    expect(offeredYears('2026-11')).toEqual([2026, 2025, 2024]);
  });

  it('keeps the file name the API gives a download', () => {
    expect(attachmentName('attachment; filename="LOUPE-100-202610.csv"', 'x.csv')).toBe('LOUPE-100-202610.csv');
    expect(attachmentName(null, 'x.csv')).toBe('x.csv');
  });
});
