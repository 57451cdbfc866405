import { describe, expect, it } from 'vitest';
import { AudienceIndex, forEachBit } from './audience-index';
import { seededRandom } from './random';
import { matchesAudience, normaliseWords, type AudienceRule, type KeywordMatchType, type RequestContext } from './targeting-match';

const pick = <T>(next: () => number, values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
const AGES = ['18-24', '25-34', '35-44'];
const GENDERS = ['female', 'male', 'unknown'];
const LOCALES = ['en-US', 'fr-FR'];
const APP_TYPES = ['iphone', 'android_mobile', 'web'];
const LOCATIONS = ['US', 'US-CA', 'US-NY', 'GB', 'FR', 'FR-75'];
const INTERESTS = ['home_decor', 'recipes', 'travel', 'fashion', 'diy'];
const WORDS = ['linen', 'sofa', 'boho', 'rug', 'cheap'];
const MATCH_TYPES: KeywordMatchType[] = ['BROAD', 'PHRASE', 'EXACT', 'PHRASE_NEGATIVE', 'EXACT_NEGATIVE'];

function someOf(next: () => number, values: readonly string[], p: number): ReadonlySet<string> | undefined {
  if (next() >= p) return undefined;
  const set = new Set<string>();
  const n = 1 + Math.floor(next() * 2);
  for (let i = 0; i < n; i++) set.add(pick(next, values));
  return set;
}

function randomRule(next: () => number): AudienceRule {
  return {
    ageBuckets: someOf(next, AGES, 0.2),
    genders: someOf(next, GENDERS, 0.2),
    locations: someOf(next, LOCATIONS, 0.5),
    excludedLocations: someOf(next, LOCATIONS, 0.15),
    locales: someOf(next, LOCALES, 0.1),
    appTypes: someOf(next, APP_TYPES, 0.1),
    interests: someOf(next, INTERESTS, 0.4),
    excludedInterests: someOf(next, INTERESTS, 0.15),
    // An empty set means "everyone", as in matchesAudience.
    ...(next() < 0.05 ? { genders: new Set<string>() } : {}),
    keywords:
      next() < 0.3
        ? Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({
            words: Array.from({ length: 1 + Math.floor(next() * 2) }, () => pick(next, WORDS)),
            matchType: pick(next, MATCH_TYPES),
          }))
        : undefined,
  };
}

function randomRequest(next: () => number): RequestContext {
  const maybe = (values: readonly string[]) => (next() < 0.8 ? pick(next, values) : undefined);
  return {
    placement: next() < 0.5 ? 'SEARCH' : 'BROWSE',
    ageBucket: maybe(AGES),
    gender: maybe(GENDERS),
    location: maybe(LOCATIONS),
    locale: maybe(LOCALES),
    appType: maybe(APP_TYPES),
    interests: INTERESTS.filter(() => next() < 0.3),
    queryWords: normaliseWords(WORDS.filter(() => next() < 0.4).join(' ')),
  };
}

const matched = (mask: Uint32Array): number[] => {
  const out: number[] = [];
  forEachBit(mask, (i) => out.push(i));
  return out;
};

describe('AudienceIndex', () => {
  it('matches exactly the rules matchesAudience matches (random rules and requests)', () => {
    const next = seededRandom(2026);
    for (let t = 0; t < 40; t++) {
      const rules = Array.from({ length: 1 + Math.floor(next() * 100) }, () => randomRule(next));
      const index = new AudienceIndex(rules);
      for (let q = 0; q < 50; q++) {
        const request = randomRequest(next);
        const expected = rules.flatMap((rule, i) => (matchesAudience(rule, request) ? [i] : []));
        expect(matched(index.match(request))).toEqual(expected);
      }
    }
  });

  it('a country rule covers its regions, a region rule only itself, and exclusions win', () => {
    const rules: AudienceRule[] = [
      { locations: new Set(['US']) },
      { locations: new Set(['US-CA']) },
      { locations: new Set(['US']), excludedLocations: new Set(['US-CA']) },
      { interests: new Set(['travel']), excludedInterests: new Set(['diy']) },
      {},
    ];
    const index = new AudienceIndex(rules);
    const base = { placement: 'BROWSE', interests: [], queryWords: [] };
    expect(matched(index.match({ ...base, location: 'US-CA' }))).toEqual([0, 1, 4]);
    expect(matched(index.match({ ...base, location: 'US-NY' }))).toEqual([0, 2, 4]);
    expect(matched(index.match({ ...base, location: 'GB', interests: ['travel'] }))).toEqual([3, 4]);
    expect(matched(index.match({ ...base, interests: ['travel', 'diy'] }))).toEqual([4]);
  });

  it('handles more than 32 rules and an empty index', () => {
    const rules: AudienceRule[] = Array.from({ length: 70 }, (_, i) => (i % 3 === 0 ? { genders: new Set(['female']) } : {}));
    const index = new AudienceIndex(rules);
    const male = matched(index.match({ placement: 'BROWSE', gender: 'male', interests: [], queryWords: [] }));
    expect(male).toEqual(rules.flatMap((_, i) => (i % 3 === 0 ? [] : [i])));
    expect(matched(new AudienceIndex([]).match({ placement: 'BROWSE', interests: [], queryWords: [] }))).toEqual([]);
  });
});
