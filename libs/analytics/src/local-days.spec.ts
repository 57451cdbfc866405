import { describe, expect, it } from 'vitest';
import { addDays, hasLocalDayRollups, isLocalMidnight, localDateOf, startOfLocalDay } from './local-days';

describe('local days', () => {
  it.each([
    ['America/New_York', true],
    ['Europe/Berlin', true],
    ['Pacific/Tongatapu', true],
    ['Asia/Tokyo', true],
    ['UTC', false], // the UTC daily tables are its days
    ['Etc/UTC', false],
    ['Asia/Kolkata', false], // +05:30
    ['Asia/Kathmandu', false], // +05:45
    ['America/St_Johns', false], // −03:30 / −02:30
    ['Australia/Adelaide', false], // +09:30 / +10:30
    ['Australia/Lord_Howe', false], // +10:30, with a 30-minute DST shift to +11
    ['Not/A_Zone', false],
  ])('keeps local-day rollups for %s: %s', (zone, expected) => {
    expect(hasLocalDayRollups(zone)).toBe(expected);
  });

  it('finds local dates and midnights across a DST change', () => {
    // New York springs forward on 8 March 2026: that day has 23 hours.
    const march8 = startOfLocalDay('2026-03-08', 'America/New_York').getTime() / 1000;
    const march9 = startOfLocalDay(addDays('2026-03-08', 1), 'America/New_York').getTime() / 1000;
    expect(march8).toBe(Date.UTC(2026, 2, 8, 5) / 1000);
    expect(march9 - march8).toBe(23 * 3600);
    expect(localDateOf(march8, 'America/New_York')).toBe('2026-03-08');
    expect(localDateOf(march8 - 1, 'America/New_York')).toBe('2026-03-07');
    expect(localDateOf(march9 - 1, 'America/New_York')).toBe('2026-03-08');
    expect(isLocalMidnight(march8, 'America/New_York')).toBe(true);
    expect(isLocalMidnight(march9, 'America/New_York')).toBe(true);
    expect(isLocalMidnight(march8 + 3600, 'America/New_York')).toBe(false);
    expect(isLocalMidnight(Date.UTC(2026, 2, 8) / 1000, 'America/New_York')).toBe(false);
    // Tonga (UTC+13): its 1 April starts at 11:00 UTC on 31 March.
    expect(localDateOf(Date.UTC(2026, 2, 31, 11) / 1000, 'Pacific/Tongatapu')).toBe('2026-04-01');
    expect(isLocalMidnight(Date.UTC(2026, 2, 31, 11) / 1000, 'Pacific/Tongatapu')).toBe(true);
  });
});
