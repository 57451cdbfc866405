import { describe, expect, it } from 'vitest';
import { ACTIVITY_SIGMA, COUNTRY_SHARES, REGION_SHARES, SimulatedPopulation, simulatedUser, simulatedUserId } from './population';
import { streamRandom } from './random';
import { AGE_SHARES, APP_TYPE_SHARES, GENDER_SHARES, INTEREST_SHARES, interestId, localeShares, PLACEMENT_REACH, SIM_INTERESTS } from './vocabulary';

/*
 * The population's distributions, measured on 20,000 people of a fixed seed, against
 * the documented shares (docs/simulator.md, which are audience sizing's). Tolerances
 * are about four standard errors of a share at this size (sd ≤ 0.0035), so a wrong
 * figure fails while sampling noise never does.
 */
const SEED = 20_261_127;
const SIZE = 20_000;
const population = new SimulatedPopulation({ seed: SEED, size: SIZE });
const users = population.users;

function shares<T extends string>(values: readonly T[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, n / values.length]));
}

function expectShares(actual: Record<string, number>, expected: Readonly<Record<string, number>>, tolerance: number): void {
  for (const [key, share] of Object.entries(expected)) {
    expect(Math.abs((actual[key] ?? 0) - share), `${key}: ${actual[key] ?? 0} vs ${share}`).toBeLessThan(tolerance);
  }
}

describe('population: distributions for a fixed seed', () => {
  it('draws age brackets, genders and main apps with the documented shares', () => {
    expectShares(shares(users.map((u) => u.ageBucket)), AGE_SHARES, 0.014);
    expectShares(shares(users.map((u) => u.gender)), GENDER_SHARES, 0.014);
    expectShares(shares(users.map((u) => u.appType)), APP_TYPE_SHARES, 0.014);
  });

  it('gives each interest to its documented share of people, independently', () => {
    for (const interest of SIM_INTERESTS) {
      const holders = users.filter((u) => u.interestKeys.includes(interest.key)).length / SIZE;
      expect(Math.abs(holders - INTEREST_SHARES[interest.key]), interest.key).toBeLessThan(0.014);
    }
    // Independence: the share holding both of the two largest interests is the product of their shares.
    const both = users.filter((u) => u.interestKeys.includes('food_and_drinks') && u.interestKeys.includes('home_decor')).length / SIZE;
    expect(Math.abs(both - 0.4 * 0.35)).toBeLessThan(0.012);
    // Ids and keys agree with the taxonomy.
    for (const u of users.slice(0, 200)) expect(u.interests).toEqual(u.interestKeys.map(interestId));
  });

  it('places people by country as the markets\' monthly active users, and by region as residents', () => {
    expectShares(shares(users.map((u) => u.country)), COUNTRY_SHARES, 0.014);
    const americans = users.filter((u) => u.country === 'US');
    expectShares(shares(americans.map((u) => u.location)), REGION_SHARES.US!, 0.02);
    // Outside the GEO countries the location is the country itself.
    for (const u of users.filter((x) => !(x.country in REGION_SHARES))) expect(u.location).toBe(u.country);
    for (const u of users.filter((x) => x.country in REGION_SHARES)) expect(u.location.startsWith(`${u.country}-`)).toBe(true);
  });

  it('speaks the country\'s main language 85% of the time (95% English in English-speaking countries)', () => {
    const inCountry = (country: string) => shares(users.filter((u) => u.country === country).map((u) => u.locale));
    expectShares(inCountry('US'), { en: localeShares('US').en }, 0.01);
    expectShares(inCountry('BR'), { pt: 0.85, en: 0.1 }, 0.03);
    expectShares(inCountry('DE'), { de: 0.85, en: 0.1 }, 0.035);
  });

  it('reaches placements as audience sizing says and has mean activity 1', () => {
    for (const placement of ['BROWSE', 'SEARCH', 'OTHER'] as const) {
      const reach = users.filter((u) => u.placements[placement]).length / SIZE;
      expect(Math.abs(reach - PLACEMENT_REACH[placement]), placement).toBeLessThan(0.014);
    }
    const mean = users.reduce((s, u) => s + u.activity, 0) / SIZE;
    expect(Math.abs(mean - 1)).toBeLessThan(0.06);
    const logs = users.map((u) => Math.log(u.activity));
    const logMean = logs.reduce((a, b) => a + b, 0) / SIZE;
    const logSd = Math.sqrt(logs.reduce((s, x) => s + (x - logMean) ** 2, 0) / SIZE);
    expect(Math.abs(logSd - ACTIVITY_SIGMA)).toBeLessThan(0.03);
  });

  it('gives people the UTC offset of their region or country', () => {
    const find = (location: string) => users.find((u) => u.location === location)!;
    expect(find('US-CA').utcOffsetMinutes).toBe(-480);
    expect(find('US-NY').utcOffsetMinutes).toBe(-300);
    expect(find('US-TX').utcOffsetMinutes).toBe(-360);
    expect(users.find((u) => u.country === 'IN')!.utcOffsetMinutes).toBe(330);
  });
});

describe('population: ids and reproducibility', () => {
  it('ids are SHA-256 hex of the seed and index, all distinct', () => {
    expect(users[0]!.id).toBe(simulatedUserId(SEED, 0));
    expect(simulatedUserId(42, 0)).toBe('ddb3b5223514275e06e2bac49274dfa281bd12a92dbfca064988346d69bb3eae');
    for (const u of users.slice(0, 100)) expect(u.id).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(users.map((u) => u.id)).size).toBe(SIZE);
  });

  it('the same seed gives the same population, and any user can be generated alone', () => {
    const again = new SimulatedPopulation({ seed: SEED, size: 2_000 });
    expect(again.users).toEqual(users.slice(0, 2_000));
    expect(simulatedUser(SEED, 12_345)).toEqual(users[12_345]);
  });

  it('a market’s population is the whole population’s people of those countries, same ids and indices', () => {
    const germans = new SimulatedPopulation({ seed: SEED, size: 300, countries: ['DE'] }).users;
    expect(germans).toHaveLength(300);
    expect(germans).toEqual(users.filter((u) => u.country === 'DE').slice(0, 300));
    expect(() => new SimulatedPopulation({ seed: SEED, size: 10, countries: ['XX'] })).toThrow(/too few people live in XX/);
  });

  it('another seed gives other people', () => {
    const other = new SimulatedPopulation({ seed: SEED + 1, size: 2_000 }).users;
    const same = other.filter((u, i) => {
      const a = users[i]!;
      return a.ageBucket === u.ageBucket && a.gender === u.gender && a.location === u.location && a.interestKeys.join() === u.interestKeys.join();
    });
    expect(same.length).toBeLessThan(20);
    expect(other.some((u, i) => u.id === users[i]!.id)).toBe(false);
  });
});

describe('population: visitors', () => {
  it('picks only people who use the placement, heavy users more often in proportion to activity', () => {
    const random = streamRandom(1, 'visitors');
    const counts = new Map<number, number>();
    const draws = 200_000;
    for (let i = 0; i < draws; i++) {
      const user = population.pickVisitor(random, 'SEARCH')!;
      counts.set(user.index, (counts.get(user.index) ?? 0) + 1);
    }
    expect([...counts.keys()].every((i) => users[i]!.placements.SEARCH)).toBe(true);
    const searchers = users.filter((u) => u.placements.SEARCH);
    const total = searchers.reduce((s, u) => s + u.activity, 0);
    const heavy = [...searchers].sort((a, b) => b.activity - a.activity).slice(0, Math.floor(searchers.length / 10));
    const expected = heavy.reduce((s, u) => s + u.activity, 0) / total;
    const observed = heavy.reduce((s, u) => s + (counts.get(u.index) ?? 0), 0) / draws;
    expect(Math.abs(expected - 0.39)).toBeLessThan(0.03); // the top tenth makes ~39% of the visits (docs)
    expect(Math.abs(observed - expected)).toBeLessThan(0.01);
  });
});
