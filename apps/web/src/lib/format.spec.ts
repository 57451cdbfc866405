import { describe, expect, it } from 'vitest';
import { daysBetween, formatDate, formatDateTime, formatMultiple, formatRatio, isoDateFromUnix, startOfDayIn, todayIn } from './format';

describe('ratios', () => {
  it('divides the sums and shows an em dash when the denominator is 0', () => {
    expect(formatRatio(37, 1000)).toBe('3.70%');
    expect(formatRatio(1, 3)).toBe('33.33%');
    expect(formatRatio(5, 0)).toBe('—');
    expect(formatMultiple(350, 100)).toBe('3.50×');
    expect(formatMultiple(1, 0)).toBe('—');
  });
});

describe('dates in the ad account timezone', () => {
  // 2026-03-01 03:30 UTC is still February 28 in New York and already March 1 in Tokyo.
  const instant = Date.UTC(2026, 2, 1, 3, 30) / 1000;

  it('shows the calendar date of the account timezone, not the browser', () => {
    expect(formatDate(instant, 'America/New_York', 'en-US')).toBe('Feb 28, 2026');
    expect(formatDate(instant, 'Asia/Tokyo', 'en-US')).toBe('Mar 1, 2026');
    expect(formatDate(null, 'UTC')).toBe('—');
    expect(isoDateFromUnix(instant, 'America/New_York')).toBe('2026-02-28');
  });

  it('names the zone when showing a time', () => {
    expect(formatDateTime(instant, 'America/New_York', 'en-US')).toMatch(/^Feb 28, 2026, 10:30\s?PM EST$/);
  });

  it("finds the start of a day in the account's timezone, across daylight-saving changes", () => {
    expect(startOfDayIn('2026-03-01', 'UTC')).toBe(Date.UTC(2026, 2, 1) / 1000);
    expect(startOfDayIn('2026-03-01', 'America/New_York')).toBe(Date.UTC(2026, 2, 1, 5) / 1000);
    // New York moves to EDT on 2026-03-08; midnight that day is still EST (UTC-5), the next is EDT (UTC-4).
    expect(startOfDayIn('2026-03-08', 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 5) / 1000);
    expect(startOfDayIn('2026-03-09', 'America/New_York')).toBe(Date.UTC(2026, 2, 9, 4) / 1000);
    expect(startOfDayIn('2026-03-01', 'Asia/Kolkata')).toBe(Date.UTC(2026, 1, 28, 18, 30) / 1000);
  });

  it("tells today's date in the zone and counts calendar days", () => {
    expect(todayIn('Asia/Tokyo', new Date(instant * 1000))).toBe('2026-03-01');
    expect(todayIn('America/Los_Angeles', new Date(instant * 1000))).toBe('2026-02-28');
    expect(daysBetween('2026-02-27', '2026-03-02')).toBe(3);
  });
});
