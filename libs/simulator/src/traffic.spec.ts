import { SERVING_PLACEMENTS, cumulativeShare } from '@loupe/auction';
import { describe, expect, it } from 'vitest';
import { streamRandom } from './random';
import { HOURLY_WEIGHTS, hourlyShare, localTime, pickHourOfWeek, pickPlacement, PLACEMENT_MIX, trafficMultiplier, WEEKDAY_WEIGHTS, weekdayShare } from './traffic';

describe('traffic curves', () => {
  it('has 24 positive hourly and 7 positive weekday weights per placement, usable as pacing profiles', () => {
    for (const placement of SERVING_PLACEMENTS) {
      expect(HOURLY_WEIGHTS[placement]).toHaveLength(24);
      expect(WEEKDAY_WEIGHTS[placement]).toHaveLength(7);
      expect([...HOURLY_WEIGHTS[placement], ...WEEKDAY_WEIGHTS[placement]].every((w) => w > 0)).toBe(true);
      expect(cumulativeShare(HOURLY_WEIGHTS[placement], 1440)).toBeCloseTo(1, 12);
    }
  });

  it('peaks in the evening and bottoms out before dawn', () => {
    const peakHour = (p: (typeof SERVING_PLACEMENTS)[number]) => HOURLY_WEIGHTS[p].indexOf(Math.max(...HOURLY_WEIGHTS[p]));
    const troughHour = (p: (typeof SERVING_PLACEMENTS)[number]) => HOURLY_WEIGHTS[p].indexOf(Math.min(...HOURLY_WEIGHTS[p]));
    expect(peakHour('BROWSE')).toBe(21);
    expect(peakHour('SEARCH')).toBe(20);
    expect(peakHour('OTHER')).toBe(21);
    for (const p of SERVING_PLACEMENTS) {
      expect(troughHour(p)).toBeGreaterThanOrEqual(3);
      expect(troughHour(p)).toBeLessThanOrEqual(4);
      // The evening peak carries at least ten times the traffic of the quietest hour.
      expect(Math.max(...HOURLY_WEIGHTS[p]) / Math.min(...HOURLY_WEIGHTS[p])).toBeGreaterThan(10);
    }
    // Search rises earlier in the day than browsing ("what's for dinner" at 16–18h).
    expect(hourlyShare('SEARCH', 17)).toBeGreaterThan(hourlyShare('BROWSE', 17));
  });

  it('browses most at weekends and searches most on Sunday', () => {
    const weekend = (p: (typeof SERVING_PLACEMENTS)[number]) => weekdayShare(p, 0) + weekdayShare(p, 6);
    expect(weekend('BROWSE')).toBeGreaterThan(2 / 7 + 0.02);
    expect(WEEKDAY_WEIGHTS.SEARCH.indexOf(Math.max(...WEEKDAY_WEIGHTS.SEARCH))).toBe(0);
    expect(WEEKDAY_WEIGHTS.SEARCH.indexOf(Math.min(...WEEKDAY_WEIGHTS.SEARCH))).toBe(5);
  });

  it('multipliers average 1 over the 168 hours of a week', () => {
    for (const p of SERVING_PLACEMENTS) {
      let total = 0;
      for (let day = 0; day < 7; day++) for (let hour = 0; hour < 24; hour++) total += trafficMultiplier(p, day, hour);
      expect(total / 168).toBeCloseTo(1, 10);
    }
    expect(trafficMultiplier('BROWSE', 0, 21)).toBeGreaterThan(2);
    expect(trafficMultiplier('BROWSE', 2, 4)).toBeLessThan(0.2);
  });

  it('samples hours, weekdays and placements with the documented shares', () => {
    const random = streamRandom(9, 'traffic');
    const draws = 100_000;
    const hours = new Array<number>(24).fill(0);
    const days = new Array<number>(7).fill(0);
    for (let i = 0; i < draws; i++) {
      const { day, hour } = pickHourOfWeek(random, 'BROWSE');
      hours[hour]!++;
      days[day]!++;
    }
    hours.forEach((n, h) => expect(Math.abs(n / draws - hourlyShare('BROWSE', h)), `hour ${h}`).toBeLessThan(0.004));
    days.forEach((n, d) => expect(Math.abs(n / draws - weekdayShare('BROWSE', d)), `day ${d}`).toBeLessThan(0.006));

    const placements: Record<string, number> = {};
    for (let i = 0; i < draws; i++) {
      const p = pickPlacement(random);
      placements[p] = (placements[p] ?? 0) + 1;
    }
    for (const p of SERVING_PLACEMENTS) expect(Math.abs(placements[p]! / draws - PLACEMENT_MIX[p])).toBeLessThan(0.006);
  });

  it('reads local time from a UTC instant and the person\'s offset', () => {
    const sundayNoonUtc = Date.UTC(2026, 10, 29, 12, 0);
    expect(localTime(sundayNoonUtc, 0)).toEqual({ day: 0, hour: 12 });
    expect(localTime(sundayNoonUtc, -8 * 60)).toEqual({ day: 0, hour: 4 });
    expect(localTime(sundayNoonUtc, 13 * 60)).toEqual({ day: 1, hour: 1 });
    expect(localTime(sundayNoonUtc, 330)).toEqual({ day: 0, hour: 17 });
  });
});
