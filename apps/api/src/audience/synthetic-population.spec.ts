import { estimateAudience } from '@loupe/auction';
import { APP_TYPES, COUNTRIES, GENDERS, GEO_CODES, GEO_REGIONS, INTERESTS, LOCALES, PERSON_AGE_BUCKETS } from '@loupe/contracts';
import { describe, expect, it } from 'vitest';
import { MAIN_LANGUAGE, SYNTHETIC_MAU, SYNTHETIC_POPULATION, localeShares } from './synthetic-population';

const total = (record: Readonly<Record<string, number>>) => Object.values(record).reduce((a, b) => a + b, 0);

describe('the synthetic population covers every targetable value of the targeting contract', () => {
  it('has a share for every age bracket, gender and app type, each dimension summing to 1', () => {
    expect(Object.keys(SYNTHETIC_POPULATION.ageBrackets).sort()).toEqual([...PERSON_AGE_BUCKETS].sort());
    expect(Object.keys(SYNTHETIC_POPULATION.genders).sort()).toEqual([...GENDERS].sort());
    expect(Object.keys(SYNTHETIC_POPULATION.appTypes).sort()).toEqual([...APP_TYPES].sort());
    for (const table of [SYNTHETIC_POPULATION.ageBrackets, SYNTHETIC_POPULATION.genders, SYNTHETIC_POPULATION.appTypes]) {
      expect(total(table)).toBeCloseTo(1, 10);
    }
  });

  it('has a positive share for every GEO region, and the regions of a country sum to 1', () => {
    for (const code of GEO_CODES) {
      const country = code.slice(0, code.indexOf('-'));
      expect(SYNTHETIC_POPULATION.regionShares[country]?.[code], code).toBeGreaterThan(0);
    }
    for (const country of Object.keys(GEO_REGIONS)) {
      expect(Object.keys(SYNTHETIC_POPULATION.regionShares[country]!).sort()).toEqual(GEO_REGIONS[country]!.map((r) => `${country}-${r}`).sort());
      expect(total(SYNTHETIC_POPULATION.regionShares[country]!)).toBeCloseTo(1, 10);
    }
  });

  it('has a share in (0, 1) for every interest of the taxonomy', () => {
    for (const interest of INTERESTS) {
      const share = SYNTHETIC_POPULATION.interests[interest.id];
      expect(share, interest.key).toBeGreaterThan(0);
      expect(share, interest.key).toBeLessThan(1);
    }
  });

  it('gives every country a locale distribution over all 24 locales that sums to 1', () => {
    for (const language of Object.values(MAIN_LANGUAGE)) expect(LOCALES).toContain(language);
    for (const country of [...Object.keys(MAIN_LANGUAGE), undefined]) {
      const shares = localeShares(country);
      expect(Object.keys(shares).sort()).toEqual([...LOCALES].sort());
      expect(total(shares)).toBeCloseTo(1, 10);
    }
    expect(localeShares('DE').de).toBe(0.85);
    expect(localeShares('DE').en).toBe(0.1);
    expect(localeShares('US').en).toBe(0.95);
  });

  it('only lists countries Pinterest serves', () => {
    for (const country of Object.keys(SYNTHETIC_MAU)) expect(COUNTRIES).toContain(country);
  });

  it('sizes the US on BROWSE at 97% of its 95M monthly users', () => {
    expect(estimateAudience(SYNTHETIC_POPULATION, { locations: new Set(['US']) }, 'BROWSE').estimate).toBeCloseTo(95_000_000 * 0.97, 0);
  });
});
