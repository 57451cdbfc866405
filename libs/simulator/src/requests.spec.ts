import { describe, expect, it } from 'vitest';
import { SimulatedPopulation } from './population';
import { streamRandom } from './random';
import { pickRequest, populationTrafficMultiplier } from './requests';
import { SEARCH_QUERIES } from './search';
import { PLACEMENT_MIX } from './traffic';

describe('requests at an instant', () => {
  const population = new SimulatedPopulation({ seed: 8, size: 5_000 });

  function sample(utcMs: number, draws: number) {
    const random = streamRandom(8, 'requests', utcMs);
    return Array.from({ length: draws }, () => pickRequest(random, population, utcMs)!);
  }

  it('come from the people whose local time is busy: Americans in their evening, not in their night', () => {
    const americanShare = (utcMs: number) => sample(utcMs, 20_000).filter((r) => r.user.country === 'US').length / 20_000;
    const usEvening = Date.UTC(2026, 10, 30, 2, 0); // Sunday 21:00 in New York, Monday 03:00 in Berlin
    const usNight = Date.UTC(2026, 10, 30, 10, 0); // Monday 05:00 in New York, 11:00 in Berlin
    const populationShare = population.users.filter((u) => u.country === 'US').length / population.users.length;
    expect(americanShare(usEvening)).toBeGreaterThan(1.3 * populationShare);
    expect(americanShare(usNight)).toBeLessThan(0.6 * populationShare);
  });

  it('follow the placement mix, only from people who use the placement, with a query of an interest on SEARCH', () => {
    const requests = sample(Date.UTC(2026, 10, 27, 18, 0), 20_000);
    for (const placement of ['BROWSE', 'SEARCH', 'OTHER'] as const) {
      const share = requests.filter((r) => r.placement === placement).length / requests.length;
      expect(Math.abs(share - PLACEMENT_MIX[placement])).toBeLessThan(0.012);
    }
    expect(requests.every((r) => r.user.placements[r.placement])).toBe(true);
    for (const r of requests) {
      if (r.placement !== 'SEARCH') expect(r.search).toBeUndefined();
      else expect(SEARCH_QUERIES[r.search!.interest]).toContain(r.search!.query);
    }
  });

  it('are reproducible for a seed', () => {
    const at = Date.UTC(2026, 10, 27, 12, 0);
    expect(sample(at, 500)).toEqual(sample(at, 500));
  });

  it('the population\'s request rate averages 1 over a week and swings between its night and evening', () => {
    const monday = Date.UTC(2026, 10, 30, 0, 0);
    const hourly = Array.from({ length: 168 }, (_, h) => populationTrafficMultiplier(population, monday + h * 3_600_000));
    expect(hourly.reduce((a, b) => a + b, 0) / 168).toBeCloseTo(1, 6);
    // People spread over time zones flatten the curve, but it still swings more than twofold.
    expect(Math.max(...hourly) / Math.min(...hourly)).toBeGreaterThan(2);
  });
});
