import { z } from 'zod';
import { COUNTRIES } from './pinterest-enums';

/*
 * An ad group's `targeting_spec`, in Pinterest's shape (`TargetingSpec`): each key is a
 * dimension holding the values targeted. Semantics, shared by audience sizing, the
 * auction and the simulator (see `targetingAudience`): a missing or empty dimension is
 * "everyone"; values within a dimension are ORed; dimensions are ANDed; exclusions
 * remove people who would otherwise match.
 *
 * Supported keys — Pinterest's: AGE_BUCKET, GENDER, LOCATION (countries), GEO
 * (regions), LOCALE, APPTYPE, INTEREST, TARGETING_STRATEGY (CHOOSE_YOUR_OWN only).
 * Loupe extensions (Pinterest manages keywords through its separate keywords API and
 * has no location or interest exclusions in the spec):
 *   KEYWORD           [{ value, match_type }] — Pinterest's `KeywordsCommon` shape; the
 *                     negative match types (EXACT_NEGATIVE, PHRASE_NEGATIVE) exclude.
 *                     Keywords decide on SEARCH placements only.
 *   LOCATION_EXCLUDE  countries or regions not to show ads in ("US-CA" inside "US").
 *   INTEREST_EXCLUDE  interest ids whose followers are not shown the ads.
 * Pinterest keys Loupe does not implement (customer lists, retargeting, MINIMUM_AGE /
 * MAXIMUM_AGE, DMA and postal codes) are rejected with a message saying so, never
 * silently ignored: ignoring an exclusion would spend money on people the advertiser
 * excluded.
 */

/** Pinterest's `TargetingSpecAgeBucket`, the values an ad group may target. */
export const AGE_BUCKETS = ['18-24', '19+', '20+', '21+', '25-34', '35-44', '45-49', '50-54', '55-64', '65+'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

/**
 * The disjoint age brackets a person falls in: what the simulated population assigns
 * and what an ad request carries. (Pinterest's own list has no 45-54 but 45-49 and
 * 50-54; the gap is theirs.)
 */
export const PERSON_AGE_BUCKETS = ['18-24', '25-34', '35-44', '45-49', '50-54', '55-64', '65+'] as const;
export type PersonAgeBucket = (typeof PERSON_AGE_BUCKETS)[number];

/**
 * Which person brackets each targetable bucket reaches. The open-ended 19+/20+/21+
 * include the whole 18-24 bracket: people are not bucketed by single years, so the
 * audience is over- rather than under-estimated by the 18- to 20-year-olds.
 */
export const AGE_BUCKET_COVERS: Readonly<Record<AgeBucket, readonly PersonAgeBucket[]>> = {
  '18-24': ['18-24'],
  '19+': PERSON_AGE_BUCKETS,
  '20+': PERSON_AGE_BUCKETS,
  '21+': PERSON_AGE_BUCKETS,
  '25-34': ['25-34'],
  '35-44': ['35-44'],
  '45-49': ['45-49'],
  '50-54': ['50-54'],
  '55-64': ['55-64'],
  '65+': ['65+'],
};

/** Pinterest's `TargetingSpecGender`. */
export const GENDERS = ['female', 'male', 'unknown'] as const;
export type Gender = (typeof GENDERS)[number];

/** Pinterest's `TargetingSpecAppType`: the device / app a person browses with. */
export const APP_TYPES = ['android_mobile', 'android_tablet', 'ipad', 'iphone', 'web', 'web_mobile'] as const;
export type AppType = (typeof APP_TYPES)[number];

/** The 24 ISO 639-1 language codes Pinterest targets by LOCALE. */
export const LOCALES = [
  'cs', 'da', 'de', 'el', 'en', 'es', 'fi', 'fr', 'hu', 'id', 'it', 'ja',
  'ko', 'nb', 'nl', 'pl', 'pt', 'ro', 'ru', 'sk', 'sv', 'tr', 'uk', 'zh',
] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * Regions targetable by GEO, as ISO 3166-2 codes ("US-CA"). Loupe's population is
 * modelled down to regions for these countries only; target other countries as a
 * whole with LOCATION.
 */
export const GEO_REGIONS: Readonly<Record<string, readonly string[]>> = {
  US: [
    'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS',
    'KY', 'LA', 'ME', 'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC',
    'ND', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY',
  ],
  CA: ['AB', 'BC', 'MB', 'NB', 'NL', 'NS', 'NT', 'NU', 'ON', 'PE', 'QC', 'SK', 'YT'],
  GB: ['ENG', 'NIR', 'SCT', 'WLS'],
  AU: ['ACT', 'NSW', 'NT', 'QLD', 'SA', 'TAS', 'VIC', 'WA'],
  DE: ['BB', 'BE', 'BW', 'BY', 'HB', 'HE', 'HH', 'MV', 'NI', 'NW', 'RP', 'SH', 'SL', 'SN', 'ST', 'TH'],
};
/** Every GEO code, "US-CA" style. */
export const GEO_CODES: readonly string[] = Object.entries(GEO_REGIONS).flatMap(([country, regions]) => regions.map((r) => `${country}-${r}`));

/** One interest of the taxonomy: a numeric-string id (as Pinterest's), a stable key and a display name. */
export interface Interest {
  id: string;
  key: string;
  name: string;
}

/**
 * The interest taxonomy: Pinterest's top-level interest categories, flat (an ad that
 * targets "Home decor" reaches everyone interested in home decor). Ids never change:
 * ad groups, the simulated population and reports store them.
 */
export const INTERESTS: readonly Interest[] = [
  { id: '978331461629', key: 'animals', name: 'Animals' },
  { id: '919517315914', key: 'architecture', name: 'Architecture' },
  { id: '967018326269', key: 'art', name: 'Art' },
  { id: '979996859558', key: 'beauty', name: 'Beauty' },
  { id: '981885822937', key: 'childrens_fashion', name: "Children's fashion" },
  { id: '968021411753', key: 'design', name: 'Design' },
  { id: '974128361028', key: 'diy_and_crafts', name: 'DIY and crafts' },
  { id: '926776247603', key: 'education', name: 'Education' },
  { id: '998765542518', key: 'electronics', name: 'Electronics and technology' },
  { id: '975034210420', key: 'entertainment', name: 'Entertainment' },
  { id: '976607018613', key: 'event_planning', name: 'Event planning' },
  { id: '953585529008', key: 'finance', name: 'Finance' },
  { id: '930711663685', key: 'food_and_drinks', name: 'Food and drinks (recipes)' },
  { id: '919906574975', key: 'gardening', name: 'Gardening' },
  { id: '953786653744', key: 'health', name: 'Health and fitness' },
  { id: '903183652505', key: 'home_decor', name: 'Home decor' },
  { id: '921749849425', key: 'mens_fashion', name: "Men's fashion" },
  { id: '906833720682', key: 'parenting', name: 'Parenting' },
  { id: '938077149536', key: 'quotes', name: 'Quotes' },
  { id: '983634820502', key: 'sport', name: 'Sport' },
  { id: '955314079800', key: 'travel', name: 'Travel' },
  { id: '959790663518', key: 'vehicles', name: 'Cars and vehicles' },
  { id: '980749288305', key: 'wedding', name: 'Weddings' },
  { id: '921198183560', key: 'womens_fashion', name: "Women's fashion" },
];
export const INTEREST_IDS: readonly string[] = INTERESTS.map((i) => i.id);
const INTEREST_BY_ID: ReadonlyMap<string, Interest> = new Map(INTERESTS.map((i) => [i.id, i]));

/** The display name of an interest id (the id itself if unknown). */
export function interestName(id: string): string {
  return INTEREST_BY_ID.get(id)?.name ?? id;
}

/** Pinterest's keyword `MatchType`; the *_NEGATIVE ones exclude. */
export const KEYWORD_MATCH_TYPES = ['BROAD', 'PHRASE', 'EXACT', 'EXACT_NEGATIVE', 'PHRASE_NEGATIVE'] as const;
export type KeywordMatchType = (typeof KEYWORD_MATCH_TYPES)[number];
export const NEGATIVE_KEYWORD_MATCH_TYPES: readonly KeywordMatchType[] = ['EXACT_NEGATIVE', 'PHRASE_NEGATIVE'];

/** Pinterest: keyword values are 120 characters at most. */
export const KEYWORD_VALUE_MAX = 120;
/** Keywords (positive and negative) one ad group may hold. */
export const KEYWORDS_PER_AD_GROUP_MAX = 1000;

/** The keys `targeting_spec` accepts. */
export const TARGETING_KEYS = [
  'AGE_BUCKET',
  'GENDER',
  'LOCATION',
  'GEO',
  'LOCATION_EXCLUDE',
  'LOCALE',
  'APPTYPE',
  'INTEREST',
  'INTEREST_EXCLUDE',
  'KEYWORD',
  'TARGETING_STRATEGY',
] as const;
export type TargetingKey = (typeof TARGETING_KEYS)[number];

const quoted = (input: unknown): string => (typeof input === 'string' ? `"${input.slice(0, 64)}"` : JSON.stringify(input)?.slice(0, 64) ?? String(input));

/** An enum whose error names the offending value and lists the allowed ones. */
function valueOf<const T extends readonly [string, ...string[]]>(values: T, what: string, hint = `use one of ${values.join(', ')}`) {
  return z.enum(values, { error: (issue) => `${quoted(issue.input)} is not a supported ${what}; ${hint}` });
}

/** A targeting dimension: a list of values, null or empty meaning "everyone". */
function dimension<T extends z.ZodType>(value: T, max: number) {
  return z
    .array(value, { error: 'must be an array of values' })
    .max(max, `must hold at most ${max} values`)
    .nullable()
    .optional();
}

const countryCode = z.string({ error: 'must be a string' }).superRefine((code, ctx) => {
  if ((COUNTRIES as readonly string[]).includes(code)) return;
  const hint = /^\d+$/.test(code)
    ? 'US DMA (metro) codes are not supported by Loupe; target regions with GEO (e.g. "US-CA")'
    : /^[A-Z]{2}-/.test(code)
      ? 'regions go in GEO, LOCATION takes countries'
      : 'use an ISO 3166-1 alpha-2 country code such as "US"';
  ctx.addIssue({ code: 'custom', message: `${quoted(code)} is not a supported location; ${hint}` });
});

const regionCode = z.string({ error: 'must be a string' }).superRefine((code, ctx) => {
  if (GEO_CODES.includes(code)) return;
  const [country = '', rest = ''] = code.split('-', 2);
  const hint = /^\d+$/.test(rest)
    ? 'postal codes are not supported by Loupe; use region codes such as "US-CA"'
    : country in GEO_REGIONS
      ? `use a region code of ${country} such as "${country}-${GEO_REGIONS[country]![0]}" (ISO 3166-2; the list is GEO_REGIONS in the API docs)`
      : `regions are available for ${Object.keys(GEO_REGIONS).join(', ')}; target other countries as a whole with LOCATION`;
  ctx.addIssue({ code: 'custom', message: `${quoted(code)} is not a supported GEO region; ${hint}` });
});

const locationOrRegion = z.string({ error: 'must be a string' }).superRefine((code, ctx) => {
  if ((COUNTRIES as readonly string[]).includes(code) || GEO_CODES.includes(code)) return;
  ctx.addIssue({ code: 'custom', message: `${quoted(code)} is not a supported location; use a country ("US") or a GEO region ("US-CA")` });
});

const interestId = z.string({ error: 'must be an interest id string' }).refine((id) => INTEREST_BY_ID.has(id), {
  error: (issue) => `${quoted(issue.input)} is not a known interest id; the taxonomy is listed under targeting_spec.INTEREST in the API docs (/docs)`,
});

/** One keyword, in Pinterest's `KeywordsCommon` shape (its deprecated `bid` accepted as null). */
export const targetingKeywordSchema = z
  .object({
    value: z
      .string({ error: 'must be a string' })
      .trim()
      .min(1, 'must not be empty')
      .max(KEYWORD_VALUE_MAX, `must be at most ${KEYWORD_VALUE_MAX} characters`)
      .refine((v) => /[\p{L}\p{N}]/u.test(v), { message: 'must contain a letter or a digit' }),
    match_type: valueOf(KEYWORD_MATCH_TYPES, 'keyword match type'),
    bid: z.null({ error: 'is deprecated by Pinterest and not supported; omit it' }).optional(),
  })
  .strict()
  .transform(({ value, match_type }) => ({ value, match_type }));
export type TargetingKeyword = z.output<typeof targetingKeywordSchema>;

/** A key of Pinterest's `TargetingSpec` that Loupe refuses, with the reason. */
function unsupportedKey(reason: string) {
  return z.unknown().refine(() => false, { message: reason }).optional();
}

const unique = <T>(values: readonly T[] | null | undefined, key: (v: T) => string = String): T[] | undefined => {
  if (!values || values.length === 0) return undefined;
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = key(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

const targetingShape = {
  AGE_BUCKET: dimension(valueOf(AGE_BUCKETS, 'age bucket'), AGE_BUCKETS.length),
  GENDER: dimension(valueOf(GENDERS, 'gender'), GENDERS.length),
  LOCATION: dimension(countryCode, COUNTRIES.length),
  GEO: dimension(regionCode, GEO_CODES.length),
  LOCATION_EXCLUDE: dimension(locationOrRegion, 1000).describe('Loupe extension: countries or GEO regions not to show ads in ("US-CA" inside "US").'),
  LOCALE: dimension(valueOf(LOCALES, 'locale', `use an ISO 639-1 language code, one of ${LOCALES.join(', ')}`), LOCALES.length),
  APPTYPE: dimension(valueOf(APP_TYPES, 'app type'), APP_TYPES.length),
  INTEREST: dimension(interestId, INTERESTS.length).describe(`Interest ids of the taxonomy: ${INTERESTS.map((i) => `${i.id} ${i.name}`).join('; ')}.`),
  INTEREST_EXCLUDE: dimension(interestId, INTERESTS.length).describe('Loupe extension: interest ids whose followers are not shown the ads.'),
  KEYWORD: dimension(targetingKeywordSchema, KEYWORDS_PER_AD_GROUP_MAX).describe(
    'Loupe extension: keywords as Pinterest\'s KeywordsCommon ({value, match_type}); EXACT_NEGATIVE and PHRASE_NEGATIVE exclude. Keywords decide on SEARCH placements only.',
  ),
  TARGETING_STRATEGY: dimension(
    valueOf(['CHOOSE_YOUR_OWN'], 'targeting strategy', 'Loupe targets only what the spec names (CHOOSE_YOUR_OWN)'),
    1,
  ),
  AUDIENCE_INCLUDE: unsupportedKey('customer lists are not supported by Loupe; remove AUDIENCE_INCLUDE'),
  AUDIENCE_EXCLUDE: unsupportedKey('customer lists are not supported by Loupe; remove AUDIENCE_EXCLUDE'),
  SHOPPING_RETARGETING: unsupportedKey('dynamic retargeting is not supported by Loupe; remove SHOPPING_RETARGETING'),
  MINIMUM_AGE: unsupportedKey('is not supported by Loupe; target age ranges with AGE_BUCKET'),
  MAXIMUM_AGE: unsupportedKey('is not supported by Loupe; target age ranges with AGE_BUCKET'),
};

/**
 * `targeting_spec` as sent: unknown keys and values are rejected naming them. The
 * parsed value is canonical: null and empty dimensions are dropped (they mean
 * "everyone"), duplicate values are dropped, keyword values keep their spelling but
 * are unique per (lower-cased value, match type).
 */
export const targetingSpecSchema = z
  .object(targetingShape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown targeting key ${issue.keys.map((k) => `"${k}"`).join(', ')}; supported keys are ${TARGETING_KEYS.join(', ')}`
        : 'must be an object of targeting keys, such as {"GENDER": ["female"], "LOCATION": ["US"]}',
  })
  .strict()
  .describe(
    'Who sees the ads. A missing or empty key targets everyone; values within a key are ORed, keys are ANDed, exclusions remove. Unknown keys and values are rejected. Value lists: AGE_BUCKETS, GENDERS, APP_TYPES, LOCALES (ISO 639-1), LOCATION (ISO 3166-1 countries), GEO_REGIONS (ISO 3166-2, US/CA/GB/AU/DE), INTERESTS (taxonomy ids).',
  )
  .superRefine((spec, ctx) => {
    const overlap = (included: readonly string[] | null | undefined, excluded: readonly string[] | null | undefined, key: string): void => {
      const both = (included ?? []).filter((v) => (excluded ?? []).includes(v));
      if (both.length > 0) {
        ctx.addIssue({ code: 'custom', path: [key], message: `${quoted(both[0])} is both targeted and excluded; remove it from one of them` });
      }
    };
    overlap([...(spec.LOCATION ?? []), ...(spec.GEO ?? [])], spec.LOCATION_EXCLUDE, 'LOCATION_EXCLUDE');
    overlap(spec.INTEREST, spec.INTEREST_EXCLUDE, 'INTEREST_EXCLUDE');
  })
  .transform((spec): TargetingSpec => {
    const canonical: TargetingSpec = {};
    const keep = <K extends keyof TargetingSpec>(key: K, values: TargetingSpec[K] | undefined): void => {
      if (values) canonical[key] = values;
    };
    keep('AGE_BUCKET', unique(spec.AGE_BUCKET));
    keep('GENDER', unique(spec.GENDER));
    keep('LOCATION', unique(spec.LOCATION));
    keep('GEO', unique(spec.GEO));
    keep('LOCATION_EXCLUDE', unique(spec.LOCATION_EXCLUDE));
    keep('LOCALE', unique(spec.LOCALE));
    keep('APPTYPE', unique(spec.APPTYPE));
    keep('INTEREST', unique(spec.INTEREST));
    keep('INTEREST_EXCLUDE', unique(spec.INTEREST_EXCLUDE));
    keep('KEYWORD', unique(spec.KEYWORD, (k) => `${k.match_type}:${k.value.toLowerCase()}`));
    keep('TARGETING_STRATEGY', unique(spec.TARGETING_STRATEGY));
    return canonical;
  });

/** A canonical targeting spec, as stored and returned. */
export interface TargetingSpec {
  AGE_BUCKET?: AgeBucket[];
  GENDER?: Gender[];
  LOCATION?: string[];
  GEO?: string[];
  LOCATION_EXCLUDE?: string[];
  LOCALE?: Locale[];
  APPTYPE?: AppType[];
  INTEREST?: string[];
  INTEREST_EXCLUDE?: string[];
  KEYWORD?: TargetingKeyword[];
  TARGETING_STRATEGY?: 'CHOOSE_YOUR_OWN'[];
}

/** `targeting_spec` in responses (INTEREST values may be names with `translate_interests_to_names`). */
export const targetingSpecResponseSchema = z.object({
  AGE_BUCKET: z.array(z.enum(AGE_BUCKETS)).optional(),
  GENDER: z.array(z.enum(GENDERS)).optional(),
  LOCATION: z.array(z.string()).optional(),
  GEO: z.array(z.string()).optional(),
  LOCATION_EXCLUDE: z.array(z.string()).optional(),
  LOCALE: z.array(z.enum(LOCALES)).optional(),
  APPTYPE: z.array(z.enum(APP_TYPES)).optional(),
  INTEREST: z.array(z.string()).optional(),
  INTEREST_EXCLUDE: z.array(z.string()).optional(),
  KEYWORD: z.array(z.object({ value: z.string(), match_type: z.enum(KEYWORD_MATCH_TYPES) })).optional(),
  TARGETING_STRATEGY: z.array(z.literal('CHOOSE_YOUR_OWN')).optional(),
});

/**
 * A targeting spec as sets of allowed values per dimension — the one reading of the
 * spec that audience sizing, the auction's serving index and the simulator share.
 * An undefined dimension targets everyone. Age buckets are expanded to the disjoint
 * brackets people fall in; LOCATION and GEO are merged (a country covers its regions).
 */
export interface TargetingAudience {
  ageBuckets?: PersonAgeBucket[];
  genders?: Gender[];
  locations?: string[];
  excludedLocations?: string[];
  locales?: Locale[];
  appTypes?: AppType[];
  interests?: string[];
  excludedInterests?: string[];
  keywords?: TargetingKeyword[];
}

export function targetingAudience(spec: TargetingSpec): TargetingAudience {
  const audience: TargetingAudience = {};
  if (spec.AGE_BUCKET) {
    const covered = new Set(spec.AGE_BUCKET.flatMap((b) => AGE_BUCKET_COVERS[b]));
    audience.ageBuckets = PERSON_AGE_BUCKETS.filter((b) => covered.has(b));
  }
  if (spec.GENDER) audience.genders = [...spec.GENDER];
  if (spec.LOCATION || spec.GEO) audience.locations = [...(spec.LOCATION ?? []), ...(spec.GEO ?? [])];
  if (spec.LOCATION_EXCLUDE) audience.excludedLocations = [...spec.LOCATION_EXCLUDE];
  if (spec.LOCALE) audience.locales = [...spec.LOCALE];
  if (spec.APPTYPE) audience.appTypes = [...spec.APPTYPE];
  if (spec.INTEREST) audience.interests = [...spec.INTEREST];
  if (spec.INTEREST_EXCLUDE) audience.excludedInterests = [...spec.INTEREST_EXCLUDE];
  if (spec.KEYWORD) audience.keywords = spec.KEYWORD.map((k) => ({ ...k }));
  return audience;
}
