import { describe, expect, it } from 'vitest';
import { addMonths, currentMonth, ledgerHours, monthEndDate, monthEnded, monthsBetween, quarterOfMonth, quarterStartMonth } from './finance-periods';

describe('finance periods', () => {
  it('does month and quarter arithmetic across year ends', () => {
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthEndDate('2028-02')).toBe('2028-02-29');
    expect([quarterOfMonth('2026-07'), quarterStartMonth('2026-09'), quarterStartMonth('2026-12')]).toEqual(['2026-Q3', '2026-07', '2026-10']);
  });

  it('cuts a month at local midnight of the 1st: Tokyo starts the day before in UTC, New York hours later', () => {
    expect(ledgerHours('2026-07', '2026-07', 'Asia/Tokyo')).toEqual({ from: new Date('2026-06-30T15:00:00Z'), to: new Date('2026-07-31T15:00:00Z') });
    // EDT in July (UTC-4), EST from November (UTC-5).
    expect(ledgerHours('2026-10', '2026-11', 'America/New_York')).toEqual({ from: new Date('2026-10-01T04:00:00Z'), to: new Date('2026-12-01T05:00:00Z') });
  });

  it('gives the hour that straddles local midnight in a half-hour timezone to the month it starts in', () => {
    // Asia/Kolkata is UTC+5:30: 1 July starts at 2026-06-30T18:30Z, inside the hour 18:00–19:00Z (23:30–00:30 local).
    expect(ledgerHours('2026-07', '2026-07', 'Asia/Kolkata').from).toEqual(new Date('2026-06-30T19:00:00Z'));
  });

  it('says a month has ended only once it has ended in the account timezone', () => {
    const at = new Date('2026-07-31T16:00:00Z'); // 1 August 01:00 in Tokyo, still 31 July in UTC and New York
    expect(monthEnded('2026-07', 'Asia/Tokyo', at)).toBe(true);
    expect(monthEnded('2026-07', 'UTC', at)).toBe(false);
    expect(monthEnded('2026-07', 'America/New_York', at)).toBe(false);
    expect(currentMonth('Asia/Tokyo', at)).toBe('2026-08');
  });
});
