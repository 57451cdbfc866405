import { describe, expect, it } from 'vitest';
import {
  backfillHour,
  backfillHourRequests,
  backfillHours,
  backfillImpressionRandom,
  backfillRequest,
  HOUR_MS,
  hourOfWeek,
  weeklyTrafficMultipliers,
} from './backfill';
import { SimulatedPopulation } from './population';
import { populationTrafficMultiplier } from './requests';

const population = new SimulatedPopulation({ seed: 11, size: 2_000 });
const multipliers = weeklyTrafficMultipliers(population);
// Monday 2026-11-30 00:00 UTC.
const monday = Date.UTC(2026, 10, 30);

describe('backfill plan', () => {
  it('keeps one traffic multiplier per hour of the week, equal to the population multiplier at any such hour', () => {
    expect(multipliers).toHaveLength(168);
    for (const at of [monday, monday + 5 * HOUR_MS, Date.UTC(2025, 6, 12, 21), Date.UTC(2027, 0, 3, 2)]) {
      expect(multipliers[hourOfWeek(at)]).toBeCloseTo(populationTrafficMultiplier(population, at), 12);
    }
    // About 1 on average over the week (what live mode's rate means too).
    expect(multipliers.reduce((a, b) => a + b) / 168).toBeCloseTo(1, 2);
  });

  it('spreads the daily rate over the hours by the curve: a week totals 7 days of requests, evenings above nights', () => {
    const perDay = 2_000;
    const week = backfillHours(monday, monday + 7 * 86_400_000);
    expect(week).toHaveLength(168);
    const counts = week.map((h) => backfillHourRequests(3, multipliers, perDay, h));
    const total = counts.reduce((a, b) => a + b);
    // Each hour rounds its expectation up or down at random: the week is within a few requests of 7 × 2,000.
    expect(Math.abs(total - 7 * perDay)).toBeLessThan(30);
    // Every hour is its expectation rounded one way or the other.
    week.forEach((h, i) => expect(Math.abs(counts[i]! - (perDay / 24) * multipliers[hourOfWeek(h)]!)).toBeLessThan(1));
    const max = Math.max(...counts);
    const min = Math.min(...counts);
    expect(max / min).toBeGreaterThan(2);
    expect(() => backfillHourRequests(3, multipliers, perDay, monday + 1)).toThrow(RangeError);
  });

  it('draws an hour the same however it is generated, in time order inside the hour, and another for another seed', () => {
    const hour = monday + 20 * HOUR_MS;
    const all = backfillHour(5, population, multipliers, 500, hour);
    expect(all.length).toBeGreaterThan(5);
    for (const r of all) {
      expect(r.atMs).toBeGreaterThanOrEqual(hour);
      expect(r.atMs).toBeLessThan(hour + HOUR_MS);
    }
    expect(all.map((r) => r.atMs)).toEqual([...all.map((r) => r.atMs)].sort((a, b) => a - b));
    const alone = backfillRequest(5, population, hour, all[3]!.index)!;
    expect(alone.user.id).toBe(all[3]!.user.id);
    expect(alone.atMs).toBe(all[3]!.atMs);
    expect(backfillHour(5, population, multipliers, 500, hour)).toEqual(all);
    expect(backfillHour(6, population, multipliers, 500, hour).map((r) => r.user.id)).not.toEqual(all.map((r) => r.user.id));
    expect(backfillImpressionRandom(5, hour, 1, 0)()).toBe(backfillImpressionRandom(5, hour, 1, 0)());
    expect(backfillImpressionRandom(5, hour, 1, 0)()).not.toBe(backfillImpressionRandom(5, hour, 1, 1)());
  });

  it('cuts a period into UTC hours from the start hour up to, not including, the end', () => {
    expect(backfillHours(monday + 30 * 60_000, monday + 3 * HOUR_MS)).toEqual([monday, monday + HOUR_MS, monday + 2 * HOUR_MS]);
    expect(backfillHours(monday, monday)).toEqual([]);
  });
});
