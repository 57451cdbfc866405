import { describe, expect, it } from 'vitest';
import { keywordMatches, matchesAudience, normaliseWords, type AudienceRule, type RequestContext } from './targeting-match';

const user: RequestContext = {
  placement: 'BROWSE',
  ageBucket: '25-34',
  gender: 'female',
  location: 'US-CA',
  locale: 'en-US',
  appType: 'iphone',
  interests: ['home_decor', 'recipes'],
  queryWords: [],
};
const set = (...v: string[]) => new Set(v);

describe('keywordMatches', () => {
  const q = normaliseWords('Cheap Boho living-room rugs!');

  it('BROAD matches the words in any order', () => {
    expect(keywordMatches({ words: normaliseWords('rugs boho'), matchType: 'BROAD' }, q)).toBe(true);
    expect(keywordMatches({ words: normaliseWords('rugs wool'), matchType: 'BROAD' }, q)).toBe(false);
  });

  it('PHRASE needs the words together and in order', () => {
    expect(keywordMatches({ words: normaliseWords('living room rugs'), matchType: 'PHRASE' }, q)).toBe(true);
    expect(keywordMatches({ words: normaliseWords('rugs living room'), matchType: 'PHRASE' }, q)).toBe(false);
  });

  it('EXACT needs the whole query', () => {
    expect(keywordMatches({ words: normaliseWords('boho rugs'), matchType: 'EXACT' }, normaliseWords('Boho  RUGS'))).toBe(true);
    expect(keywordMatches({ words: normaliseWords('boho rugs'), matchType: 'EXACT' }, q)).toBe(false);
  });
});

describe('matchesAudience', () => {
  it('matches everyone when nothing is targeted', () => {
    expect(matchesAudience({}, user)).toBe(true);
  });

  it('ANDs dimensions and ORs values within one', () => {
    expect(matchesAudience({ genders: set('female', 'unknown'), ageBuckets: set('25-34') }, user)).toBe(true);
    expect(matchesAudience({ genders: set('male'), ageBuckets: set('25-34') }, user)).toBe(false);
  });

  it('treats a missing user attribute as not matching a targeted dimension', () => {
    expect(matchesAudience({ ageBuckets: set('25-34') }, { ...user, ageBucket: undefined })).toBe(false);
  });

  it('matches a country rule for any of its regions, and honours location exclusions', () => {
    expect(matchesAudience({ locations: set('US') }, user)).toBe(true);
    expect(matchesAudience({ locations: set('US-NY') }, user)).toBe(false);
    expect(matchesAudience({ locations: set('US'), excludedLocations: set('US-CA') }, user)).toBe(false);
  });

  it('needs any targeted interest and none of the excluded ones', () => {
    expect(matchesAudience({ interests: set('recipes', 'travel') }, user)).toBe(true);
    expect(matchesAudience({ interests: set('travel') }, user)).toBe(false);
    expect(matchesAudience({ interests: set('recipes'), excludedInterests: set('home_decor') }, user)).toBe(false);
  });

  it('applies keywords on SEARCH only, with negatives winning', () => {
    const rule: AudienceRule = {
      keywords: [
        { words: normaliseWords('boho rugs'), matchType: 'BROAD' },
        { words: normaliseWords('cheap'), matchType: 'PHRASE_NEGATIVE' },
      ],
    };
    const search = { ...user, placement: 'SEARCH' };
    expect(matchesAudience(rule, { ...search, queryWords: normaliseWords('boho rugs for kitchens') })).toBe(true);
    expect(matchesAudience(rule, { ...search, queryWords: normaliseWords('cheap boho rugs') })).toBe(false);
    expect(matchesAudience(rule, { ...search, queryWords: normaliseWords('velvet sofas') })).toBe(false);
    expect(matchesAudience(rule, { ...user, queryWords: [] })).toBe(true);
  });
});
