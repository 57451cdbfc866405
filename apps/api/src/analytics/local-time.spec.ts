import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, startOfLocalDay, timezoneOffsetMs } from './local-time';

describe('local dates of an ad account', () => {
  it('finds the UTC instant a local day starts, on either side of a DST change', () => {
    expect(startOfLocalDay('2026-01-15', 'UTC').toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(startOfLocalDay('2026-01-15', 'America/New_York').toISOString()).toBe('2026-01-15T05:00:00.000Z');
    expect(startOfLocalDay('2026-07-15', 'America/New_York').toISOString()).toBe('2026-07-15T04:00:00.000Z');
    // 8 March 2026: New York springs forward at 02:00; the day still starts at 05:00 UTC.
    expect(startOfLocalDay('2026-03-08', 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(startOfLocalDay('2026-03-09', 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(startOfLocalDay('2026-04-01', 'Asia/Tokyo').toISOString()).toBe('2026-03-31T15:00:00.000Z');
    expect(startOfLocalDay('2026-04-01', 'Asia/Kolkata').toISOString()).toBe('2026-03-31T18:30:00.000Z');
  });

  it('measures offsets east and west of Greenwich', () => {
    expect(timezoneOffsetMs('Asia/Tokyo', Date.UTC(2026, 0, 1))).toBe(9 * 3_600_000);
    expect(timezoneOffsetMs('America/Los_Angeles', Date.UTC(2026, 0, 1))).toBe(-8 * 3_600_000);
  });

  it('does calendar arithmetic across months and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(daysBetween('2026-01-01', '2026-03-31')).toBe(89);
  });
});
