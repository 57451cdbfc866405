import { describe, expect, it } from 'vitest';
import {
  audienceRange,
  estimateAudience,
  interestShare,
  keywordReach,
  locationUsers,
  placementShare,
  roundSignificant,
  type Population,
} from './audience-size';
import { normaliseWords, type AudienceRule } from './targeting-match';

const set = (...v: string[]) => new Set(v);

/** A small population whose answers can be worked out by hand. */
const toy: Population = {
  monthlyActiveUsers: { US: 1_000_000, FR: 500_000 },
  defaultMonthlyActiveUsers: 10_000,
  regionShares: { US: { 'US-CA': 0.2, 'US-NY': 0.1 } },
  defaultRegionShare: 0.05,
  ageBrackets: { young: 0.3, old: 0.7 },
  genders: { female: 0.6, male: 0.4 },
  appTypes: { iphone: 0.5, web: 0.5 },
  locales: { byCountry: { FR: { fr: 0.9, en: 0.1 } }, default: { en: 0.95, fr: 0.05 } },
  interests: { a: 0.5, b: 0.2, c: 0.1 },
  placementReach: { BROWSE: 1, SEARCH: 0.5, OTHER: 0.5 },
  keywordShare: { BROAD: 0.1, PHRASE: 0.05, EXACT: 0.02, PHRASE_NEGATIVE: 0.05, EXACT_NEGATIVE: 0.02 },
};

describe('estimateAudience on a hand-checkable population', () => {
  it('counts everyone on BROWSE when nothing is targeted', () => {
    expect(estimateAudience(toy, {}, 'BROWSE').estimate).toBe(1_500_000);
  });

  it('multiplies independent dimensions within each country and sums countries', () => {
    const rule: AudienceRule = { locations: set('US', 'FR'), genders: set('female'), appTypes: set('iphone'), locales: set('fr') };
    // US: 1M × 0.05 (fr) ; FR: 500k × 0.9 (fr) — then × 0.6 × 0.5
    expect(estimateAudience(toy, rule, 'BROWSE').estimate).toBeCloseTo((1_000_000 * 0.05 + 500_000 * 0.9) * 0.6 * 0.5, 6);
  });

  it('ORs values within a dimension (two genders add up; age brackets add up)', () => {
    expect(estimateAudience(toy, { locations: set('US'), genders: set('female', 'male') }, 'BROWSE').estimate).toBeCloseTo(1_000_000, 6);
    expect(estimateAudience(toy, { locations: set('US'), ageBuckets: set('young') }, 'BROWSE').estimate).toBeCloseTo(300_000, 6);
    expect(estimateAudience(toy, { locations: set('US'), ageBuckets: set('young', 'old') }, 'BROWSE').estimate).toBeCloseTo(1_000_000, 6);
  });

  it('is deterministic', () => {
    const rule: AudienceRule = { locations: set('US', 'FR'), interests: set('a'), keywords: [{ words: ['rugs'], matchType: 'BROAD' }] };
    expect(estimateAudience(toy, rule, 'SEARCH')).toEqual(estimateAudience(toy, rule, 'SEARCH'));
  });

  it('narrows monotonically: adding a dimension never grows the audience, adding a value never shrinks it', () => {
    const base: AudienceRule = { locations: set('US') };
    const narrower: AudienceRule = { ...base, genders: set('male') };
    const wider: AudienceRule = { ...narrower, genders: set('male', 'female') };
    const size = (r: AudienceRule) => estimateAudience(toy, r, 'ALL').estimate;
    expect(size(narrower)).toBeLessThan(size(base));
    expect(size(wider)).toBeGreaterThan(size(narrower));
    expect(size({ ...base, interests: set('a') })).toBeLessThan(size({ ...base, interests: set('a', 'b') }));
  });
});

describe('locationUsers', () => {
  it('takes region shares for regions, the whole country for a country, and a default for unknown countries', () => {
    expect(Object.fromEntries(locationUsers(toy, { locations: set('US-CA', 'US-NY') }))).toEqual({ US: 1_000_000 * (0.2 + 0.1) });
    expect(locationUsers(toy, { locations: set('US', 'US-CA') }).get('US')).toBe(1_000_000);
    expect(locationUsers(toy, { locations: set('DE') }).get('DE')).toBe(10_000);
    expect(locationUsers(toy, { locations: set('FR-IDF') }).get('FR')).toBe(500_000 * 0.05);
  });

  it('subtracts exclusions: an excluded region from its country, an excluded country entirely, an untargeted region not at all', () => {
    expect(locationUsers(toy, { locations: set('US'), excludedLocations: set('US-CA') }).get('US')).toBeCloseTo(800_000, 6);
    expect(locationUsers(toy, { locations: set('US', 'FR'), excludedLocations: set('FR') }).has('FR')).toBe(false);
    expect(locationUsers(toy, { locations: set('US-NY'), excludedLocations: set('US-CA') }).get('US')).toBeCloseTo(100_000, 6);
    expect(locationUsers(toy, { locations: set('US-NY', 'US-CA'), excludedLocations: set('US-CA') }).get('US')).toBeCloseTo(100_000, 6);
  });

  it('targets every listed country when no location is given (as the matcher does)', () => {
    expect([...locationUsers(toy, {}).keys()].sort()).toEqual(['FR', 'US']);
  });
});

describe('interestShare', () => {
  it('is 1 − Π(1 − p) for targeted interests (a user holds several, independently)', () => {
    expect(interestShare(toy, { interests: set('a', 'b') })).toBeCloseTo(1 - 0.5 * 0.8, 10);
  });

  it('removes users holding an excluded interest, and an interest both targeted and excluded counts as excluded', () => {
    expect(interestShare(toy, { interests: set('a'), excludedInterests: set('b') })).toBeCloseTo(0.5 * 0.8, 10);
    expect(interestShare(toy, { interests: set('a'), excludedInterests: set('a') })).toBeCloseTo(0, 10);
    expect(interestShare(toy, { excludedInterests: set('c') })).toBeCloseTo(0.9, 10);
  });
});

describe('placementShare and keywords', () => {
  const kw = (text: string, matchType: 'BROAD' | 'PHRASE' | 'EXACT' | 'PHRASE_NEGATIVE' | 'EXACT_NEGATIVE') => ({ words: normaliseWords(text), matchType });

  it('applies keywords on SEARCH only, like the matcher', () => {
    const keywords = [kw('boho rugs', 'BROAD')];
    expect(placementShare(toy, 'BROWSE', keywords)).toBe(1);
    expect(placementShare(toy, 'SEARCH', keywords)).toBeCloseTo(0.5 * keywordReach(toy, keywords[0]!), 10);
    expect(placementShare(toy, 'SEARCH', [])).toBe(0.5);
  });

  it('narrows with match type and with each word, and is deterministic', () => {
    expect(keywordReach(toy, kw('rugs', 'EXACT'))).toBeLessThan(keywordReach(toy, kw('rugs', 'BROAD')));
    expect(keywordReach(toy, kw('rugs', 'BROAD'))).toBeGreaterThan(keywordReach(toy, kw('boho rugs wool', 'BROAD')));
    expect(keywordReach(toy, kw('Boho Rugs', 'PHRASE'))).toBe(keywordReach(toy, kw('boho  rugs', 'PHRASE')));
  });

  it('negative keywords remove searchers; ALL is the union of the placements', () => {
    const positive = placementShare(toy, 'SEARCH', [kw('rugs', 'BROAD')]);
    expect(placementShare(toy, 'SEARCH', [kw('rugs', 'BROAD'), kw('cheap', 'PHRASE_NEGATIVE')])).toBeLessThan(positive);
    expect(placementShare(toy, 'ALL', [])).toBe(1);
    const partial: Population = { ...toy, placementReach: { BROWSE: 0.5, SEARCH: 0.5, OTHER: 0.5 } };
    expect(placementShare(partial, 'ALL', [])).toBeCloseTo(0.875, 10);
  });
});

describe('reported range', () => {
  it('rounds to two significant digits outward, ±15%', () => {
    expect(roundSignificant(1234, 'down')).toBe(1200);
    expect(roundSignificant(1234, 'up')).toBe(1300);
    expect(roundSignificant(98_765_432, 'down')).toBe(98_000_000);
    expect(audienceRange(1_000_000)).toEqual({ lowerBound: 850_000, upperBound: 1_200_000 });
    const { lowerBound, upperBound } = audienceRange(123_456);
    expect(lowerBound).toBeLessThanOrEqual(123_456 * 0.85);
    expect(upperBound).toBeGreaterThanOrEqual(123_456 * 1.15);
  });

  it('reports audiences under 1,000 as 0–1,000', () => {
    expect(audienceRange(999)).toEqual({ lowerBound: 0, upperBound: 1000 });
    expect(audienceRange(0)).toEqual({ lowerBound: 0, upperBound: 1000 });
  });
});
