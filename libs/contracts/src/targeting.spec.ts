import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BID_STRATEGY_TYPES, BILLABLE_EVENTS, BUDGET_TYPES, PACING_DELIVERY_TYPES, PLACEMENT_GROUPS } from './ad-groups';
import { ENTITY_STATUSES, OBJECTIVE_TYPES } from './campaigns';
import { COUNTRIES } from './pinterest-enums';
import {
  AGE_BUCKET_COVERS,
  AGE_BUCKETS,
  APP_TYPES,
  GENDERS,
  GEO_CODES,
  GEO_REGIONS,
  INTERESTS,
  interestName,
  KEYWORD_MATCH_TYPES,
  LOCALES,
  PERSON_AGE_BUCKETS,
  targetingAudience,
  targetingSpecSchema,
} from './targeting';

const spec = JSON.parse(readFileSync(resolve(__dirname, '../pinterest-api-v5/openapi.json'), 'utf8')) as {
  components: { schemas: Record<string, { enum?: (string | null)[]; properties?: Record<string, { enum?: (string | null)[] }> }> };
};
const pinterestEnum = (name: string): string[] => (spec.components.schemas[name]!.enum ?? []).filter((v): v is string => v !== null);

describe('targeting and campaign vocabulary', () => {
  it("uses exactly Pinterest's enum values where Loupe supports the whole enum", () => {
    expect([...AGE_BUCKETS].sort()).toEqual(pinterestEnum('TargetingSpecAgeBucket').sort());
    expect([...GENDERS].sort()).toEqual(pinterestEnum('TargetingSpecGender').sort());
    expect([...APP_TYPES].sort()).toEqual(pinterestEnum('TargetingSpecAppType').sort());
    expect([...KEYWORD_MATCH_TYPES].sort()).toEqual(pinterestEnum('MatchType').sort());
    expect([...OBJECTIVE_TYPES]).toEqual(pinterestEnum('ObjectiveType'));
    expect([...ENTITY_STATUSES]).toEqual(pinterestEnum('EntityStatus'));
    expect([...PLACEMENT_GROUPS]).toEqual(pinterestEnum('PlacementGroupType'));
    expect([...PACING_DELIVERY_TYPES]).toEqual(pinterestEnum('PacingDeliveryType'));
    expect([...BID_STRATEGY_TYPES]).toEqual((spec.components.schemas['AdGroupCommon']!.properties!['bid_strategy_type']!.enum ?? []).filter((v) => v !== null));
  });

  it("supports a documented subset of Pinterest's billable events and budget types", () => {
    expect(pinterestEnum('ActionType').filter((v) => !(BILLABLE_EVENTS as readonly string[]).includes(v))).toEqual(['VIDEO_V_50_MRC']);
    expect(pinterestEnum('BudgetType').filter((v) => !(BUDGET_TYPES as readonly string[]).includes(v))).toEqual(['CBO_ADGROUP']);
  });

  it('has 24 two-letter locales, as Pinterest documents', () => {
    expect(LOCALES).toHaveLength(24);
    expect(LOCALES.every((l) => /^[a-z]{2}$/.test(l))).toBe(true);
  });

  it('gives every interest a unique numeric-string id and a unique key', () => {
    expect(new Set(INTERESTS.map((i) => i.id)).size).toBe(INTERESTS.length);
    expect(new Set(INTERESTS.map((i) => i.key)).size).toBe(INTERESTS.length);
    expect(INTERESTS.every((i) => /^\d{12}$/.test(i.id))).toBe(true);
    expect(interestName('903183652505')).toBe('Home decor');
    expect(interestName('1')).toBe('1');
  });

  it('names GEO regions inside supported countries, each once', () => {
    expect(new Set(GEO_CODES).size).toBe(GEO_CODES.length);
    expect(Object.keys(GEO_REGIONS).every((c) => (COUNTRIES as readonly string[]).includes(c))).toBe(true);
    expect(GEO_CODES).toContain('US-CA');
    expect(GEO_CODES.filter((c) => c.startsWith('US-'))).toHaveLength(51);
  });

  it('covers each targetable age bucket with disjoint person brackets', () => {
    for (const bucket of AGE_BUCKETS) expect(AGE_BUCKET_COVERS[bucket].length).toBeGreaterThan(0);
    for (const bucket of PERSON_AGE_BUCKETS) expect(AGE_BUCKET_COVERS[bucket]).toEqual([bucket]);
  });
});

describe('targetingSpecSchema', () => {
  it('drops nulls, empty lists and duplicates, trims keywords, and dedupes them case-insensitively per match type', () => {
    const parsed = targetingSpecSchema.parse({
      GENDER: null,
      LOCALE: [],
      APPTYPE: ['iphone', 'iphone'],
      KEYWORD: [
        { value: ' Blue Vase', match_type: 'BROAD' },
        { value: 'blue vase ', match_type: 'BROAD' },
        { value: 'blue vase', match_type: 'EXACT_NEGATIVE' },
      ],
    });
    expect(parsed).toEqual({
      APPTYPE: ['iphone'],
      KEYWORD: [
        { value: 'Blue Vase', match_type: 'BROAD' },
        { value: 'blue vase', match_type: 'EXACT_NEGATIVE' },
      ],
    });
  });

  it('names the unknown key and the unknown value', () => {
    const unknownKey = targetingSpecSchema.safeParse({ COLOR: ['red'] });
    expect(unknownKey.error?.issues[0]?.message).toContain('unknown targeting key "COLOR"');
    const unknownValue = targetingSpecSchema.safeParse({ APPTYPE: ['iphone', 'palm'] });
    expect(unknownValue.error?.issues[0]).toMatchObject({ path: ['APPTYPE', 1], message: expect.stringContaining('"palm" is not a supported app type') });
  });

  it('refuses the same location or interest both targeted and excluded', () => {
    expect(targetingSpecSchema.safeParse({ GEO: ['US-CA'], LOCATION_EXCLUDE: ['US-CA'] }).success).toBe(false);
    expect(targetingSpecSchema.safeParse({ LOCATION: ['US'], LOCATION_EXCLUDE: ['US-CA'] }).success).toBe(true);
    expect(targetingSpecSchema.safeParse({ INTEREST: ['903183652505'], INTEREST_EXCLUDE: ['903183652505'] }).success).toBe(false);
  });
});

describe('targetingAudience', () => {
  it('reads an empty spec as everyone', () => {
    expect(targetingAudience({})).toEqual({});
  });

  it('expands age buckets to person brackets, merges LOCATION and GEO, and keeps exclusions and keywords', () => {
    const audience = targetingAudience({
      AGE_BUCKET: ['21+', '25-34'],
      LOCATION: ['FR'],
      GEO: ['US-CA'],
      LOCATION_EXCLUDE: ['DE'],
      INTEREST: ['903183652505'],
      INTEREST_EXCLUDE: ['955314079800'],
      KEYWORD: [{ value: 'vase', match_type: 'PHRASE' }],
      GENDER: ['female'],
    });
    expect(audience).toEqual({
      ageBuckets: [...PERSON_AGE_BUCKETS],
      locations: ['FR', 'US-CA'],
      excludedLocations: ['DE'],
      interests: ['903183652505'],
      excludedInterests: ['955314079800'],
      keywords: [{ value: 'vase', match_type: 'PHRASE' }],
      genders: ['female'],
    });
    expect(targetingAudience({ AGE_BUCKET: ['65+', '18-24'] }).ageBuckets).toEqual(['18-24', '65+']);
  });
});
