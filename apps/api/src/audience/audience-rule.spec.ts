import { estimateAudience, matchesAudience, type AudienceRule, type RequestContext } from '@loupe/auction';
import { APP_TYPES, GENDERS, LOCALES, PERSON_AGE_BUCKETS, targetingAudience, targetingSpecSchema } from '@loupe/contracts';
import { describe, expect, it } from 'vitest';
import { toAudienceRule } from './audience-rule';
import { SYNTHETIC_POPULATION, localeShares } from './synthetic-population';

const ruleFor = (spec: unknown, keywords: { value: string; match_type: 'BROAD' | 'PHRASE' | 'EXACT' | 'EXACT_NEGATIVE' | 'PHRASE_NEGATIVE' }[] = []) =>
  toAudienceRule(targetingAudience(targetingSpecSchema.parse(spec)), keywords);

describe('toAudienceRule', () => {
  it('reads the spec as the targeting contract does: open-ended ages cover every bracket, LOCATION and GEO merge', () => {
    const rule = ruleFor({ AGE_BUCKET: ['21+'], LOCATION: ['FR'], GEO: ['US-CA'], LOCATION_EXCLUDE: ['US-NY'] });
    expect([...rule.ageBuckets!].sort()).toEqual([...PERSON_AGE_BUCKETS].sort());
    expect([...rule.locations!].sort()).toEqual(['FR', 'US-CA']);
    expect([...rule.excludedLocations!]).toEqual(['US-NY']);
  });

  it('normalises keywords to words, merges the top-level ones and keeps each (words, match type) once', () => {
    const rule = ruleFor({ KEYWORD: [{ value: 'Boho Rugs', match_type: 'BROAD' }] }, [
      { value: 'boho  rugs!', match_type: 'BROAD' },
      { value: 'boho rugs', match_type: 'EXACT' },
    ]);
    expect(rule.keywords).toEqual([
      { words: ['boho', 'rugs'], matchType: 'BROAD' },
      { words: ['boho', 'rugs'], matchType: 'EXACT' },
    ]);
  });

  it('leaves untargeted dimensions out (everyone)', () => {
    expect(ruleFor({})).toEqual({});
  });
});

/**
 * The estimator must count exactly whom the auction's matcher lets through. Enumerate
 * every kind of person of a few countries (region × age × gender × app × locale, each
 * weighted by the population's shares) and sum the weights the matcher accepts.
 */
function matcherCount(rule: AudienceRule, countries: string[]): number {
  let count = 0;
  for (const country of countries) {
    const mau = SYNTHETIC_POPULATION.monthlyActiveUsers[country] ?? SYNTHETIC_POPULATION.defaultMonthlyActiveUsers;
    const regions = Object.entries(SYNTHETIC_POPULATION.regionShares[country] ?? { [country]: 1 });
    const locales = localeShares(country);
    for (const [location, regionShare] of regions) {
      for (const age of PERSON_AGE_BUCKETS) {
        for (const gender of GENDERS) {
          for (const app of APP_TYPES) {
            for (const locale of LOCALES) {
              const person: RequestContext = { placement: 'BROWSE', location, ageBucket: age, gender, appType: app, locale, interests: [], queryWords: [] };
              if (!matchesAudience(rule, person)) continue;
              count += mau * regionShare * SYNTHETIC_POPULATION.ageBrackets[age]! * SYNTHETIC_POPULATION.genders[gender]! * SYNTHETIC_POPULATION.appTypes[app]! * locales[locale]!;
            }
          }
        }
      }
    }
  }
  return count;
}

describe('audience sizing agrees with the auction matcher', () => {
  const specs = [
    { LOCATION: ['DE', 'FR'] },
    { GEO: ['US-CA', 'US-TX'], GENDER: ['female'], AGE_BUCKET: ['25-34', '35-44'] },
    { LOCATION: ['US'], LOCATION_EXCLUDE: ['US-CA', 'US-NY'], APPTYPE: ['iphone', 'ipad'], LOCALE: ['en', 'es'] },
    { LOCATION: ['DE'], GEO: ['US-WA'], LOCALE: ['de'], AGE_BUCKET: ['21+'], GENDER: ['male', 'unknown'] },
  ];
  it.each(specs)('counts the same people for %j', (spec) => {
    const rule = ruleFor(spec);
    const countries = [...new Set([...rule.locations!].map((l) => l.split('-')[0]!))];
    // The whole population is also seen on BROWSE at 97%.
    const expected = matcherCount(rule, countries) * SYNTHETIC_POPULATION.placementReach.BROWSE;
    expect(estimateAudience(SYNTHETIC_POPULATION, rule, 'BROWSE').estimate / expected).toBeCloseTo(1, 9);
  });

  it('counts interest reach as the matcher does over every combination of held interests', () => {
    const ids = Object.keys(SYNTHETIC_POPULATION.interests).slice(0, 4);
    const rule = ruleFor({ LOCATION: ['US'], INTEREST: [ids[0], ids[1]], INTEREST_EXCLUDE: [ids[2]] });
    let share = 0;
    for (let mask = 0; mask < 1 << ids.length; mask++) {
      const held = ids.filter((_, i) => mask & (1 << i));
      const weight = ids.reduce((w, id, i) => w * (mask & (1 << i) ? SYNTHETIC_POPULATION.interests[id]! : 1 - SYNTHETIC_POPULATION.interests[id]!), 1);
      if (matchesAudience(rule, { placement: 'BROWSE', location: 'US', interests: held, queryWords: [] })) share += weight;
    }
    const estimate = estimateAudience(SYNTHETIC_POPULATION, rule, 'BROWSE').estimate;
    expect(estimate / (95_000_000 * 0.97 * share)).toBeCloseTo(1, 9);
  });
});
