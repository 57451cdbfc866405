/**
 * The targeting vocabulary and the population figures the simulator shares with the
 * rest of Loupe. They are copies: this library is pure (`purity:pure`) and may depend
 * only on pure libraries, while the originals live in @loupe/contracts (the targeting
 * contract, which depends on zod) and in the API's audience sizing
 * (apps/api/src/audience/synthetic-population.ts). apps/api/test/simulator-alignment.spec.ts
 * proves every copy equal to its original, so the simulated users are exactly the
 * population audience sizing describes and carry only values targeting accepts.
 */

/** Pinterest's top-level interest categories (`INTERESTS` of libs/contracts/src/targeting.ts). */
export const SIM_INTERESTS = [
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
] as const;
export type InterestKey = (typeof SIM_INTERESTS)[number]['key'];
export const INTEREST_KEYS: readonly InterestKey[] = SIM_INTERESTS.map((i) => i.key);

const ID_BY_KEY = new Map<string, string>(SIM_INTERESTS.map((i) => [i.key, i.id]));
const KEY_BY_ID = new Map<string, InterestKey>(SIM_INTERESTS.map((i) => [i.id, i.key]));

/** The taxonomy id of an interest key. */
export function interestId(key: InterestKey): string {
  return ID_BY_KEY.get(key)!;
}

/** The key of a taxonomy id, undefined for an unknown id. */
export function interestKeyOf(id: string): InterestKey | undefined {
  return KEY_BY_ID.get(id);
}

/** The disjoint age brackets people fall in (`PERSON_AGE_BUCKETS`). */
export const SIM_AGE_BRACKETS = ['18-24', '25-34', '35-44', '45-49', '50-54', '55-64', '65+'] as const;
export type AgeBracket = (typeof SIM_AGE_BRACKETS)[number];

export const SIM_GENDERS = ['female', 'male', 'unknown'] as const;
export type SimGender = (typeof SIM_GENDERS)[number];

export const SIM_APP_TYPES = ['android_mobile', 'android_tablet', 'ipad', 'iphone', 'web', 'web_mobile'] as const;
export type SimAppType = (typeof SIM_APP_TYPES)[number];

export const SIM_LOCALES = [
  'cs', 'da', 'de', 'el', 'en', 'es', 'fi', 'fr', 'hu', 'id', 'it', 'ja',
  'ko', 'nb', 'nl', 'pl', 'pt', 'ro', 'ru', 'sk', 'sv', 'tr', 'uk', 'zh',
] as const;
export type SimLocale = (typeof SIM_LOCALES)[number];

/* ---- Figures of the audience-sizing synthetic population (docs/api.md) ---- */

/** Monthly active users of the largest markets (`SYNTHETIC_MAU`). */
export const MAU_BY_COUNTRY: Readonly<Record<string, number>> = {
  US: 95_000_000, BR: 30_000_000, IN: 25_000_000, MX: 20_000_000, DE: 16_000_000, FR: 14_000_000, GB: 14_000_000,
  ID: 10_000_000, CA: 9_000_000, IT: 9_000_000, ES: 9_000_000, AU: 8_000_000, JP: 8_000_000, AR: 6_000_000, PL: 6_000_000,
  CO: 5_000_000, NL: 4_000_000, PH: 4_000_000, TR: 4_000_000, CL: 3_000_000, ZA: 3_000_000, BE: 2_000_000, SE: 2_000_000,
  PT: 2_000_000, RO: 2_000_000, KR: 2_000_000, AT: 1_800_000, CH: 1_600_000, CZ: 1_500_000, GR: 1_500_000, HU: 1_200_000,
  NZ: 1_200_000, NO: 1_000_000, IL: 1_000_000, DK: 900_000, IE: 900_000, FI: 800_000, SG: 800_000, HK: 700_000,
};

/** Residents (thousands) per GEO region (`REGION_RESIDENTS_THOUSANDS`). */
export const REGION_RESIDENTS_THOUSANDS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  US: {
    CA: 39_000, TX: 30_000, FL: 22_200, NY: 19_700, PA: 13_000, IL: 12_600, OH: 11_800, GA: 11_000, NC: 10_700, MI: 10_000,
    NJ: 9_300, VA: 8_700, WA: 7_800, AZ: 7_400, TN: 7_100, MA: 7_000, IN: 6_800, MO: 6_200, MD: 6_200, WI: 5_900, CO: 5_800,
    MN: 5_700, SC: 5_300, AL: 5_100, LA: 4_600, KY: 4_500, OR: 4_200, OK: 4_000, CT: 3_600, UT: 3_400, IA: 3_200, NV: 3_200,
    AR: 3_000, MS: 2_900, KS: 2_900, NM: 2_100, NE: 2_000, ID: 1_900, WV: 1_800, HI: 1_400, NH: 1_400, ME: 1_400, RI: 1_100,
    MT: 1_100, DE: 1_000, SD: 900, ND: 800, AK: 700, DC: 700, VT: 600, WY: 600,
  },
  CA: { ON: 15_600, QC: 8_900, BC: 5_600, AB: 4_800, MB: 1_450, SK: 1_200, NS: 1_050, NB: 830, NL: 540, PE: 175, NT: 45, YT: 45, NU: 40 },
  GB: { ENG: 56_500, SCT: 5_450, WLS: 3_130, NIR: 1_900 },
  AU: { NSW: 8_300, VIC: 6_800, QLD: 5_400, WA: 2_900, SA: 1_850, TAS: 575, ACT: 465, NT: 250 },
  DE: {
    NW: 18_100, BY: 13_400, BW: 11_300, NI: 8_100, HE: 6_400, SN: 4_100, RP: 4_100, BE: 3_800, SH: 2_950, BB: 2_550, ST: 2_200,
    TH: 2_100, HH: 1_900, MV: 1_600, SL: 990, HB: 690,
  },
};

/** Share of people in each age bracket (`SYNTHETIC_AGE_BRACKETS`). */
export const AGE_SHARES: Readonly<Record<AgeBracket, number>> = {
  '18-24': 0.2,
  '25-34': 0.26,
  '35-44': 0.21,
  '45-49': 0.09,
  '50-54': 0.08,
  '55-64': 0.1,
  '65+': 0.06,
};

export const GENDER_SHARES: Readonly<Record<SimGender, number>> = { female: 0.6, male: 0.32, unknown: 0.08 };

/** Each person's main app (`SYNTHETIC_APP_TYPES`). */
export const APP_TYPE_SHARES: Readonly<Record<SimAppType, number>> = {
  iphone: 0.3,
  android_mobile: 0.28,
  web: 0.22,
  web_mobile: 0.12,
  ipad: 0.05,
  android_tablet: 0.03,
};

/** Main language per country (`MAIN_LANGUAGE`); unlisted countries: English. */
export const MAIN_LANGUAGE: Readonly<Record<string, SimLocale>> = {
  US: 'en', GB: 'en', CA: 'en', AU: 'en', NZ: 'en', IE: 'en', ZA: 'en', SG: 'en', IN: 'en', PH: 'en', IL: 'en',
  BR: 'pt', PT: 'pt', MX: 'es', ES: 'es', AR: 'es', CO: 'es', CL: 'es', DE: 'de', AT: 'de', CH: 'de', FR: 'fr', BE: 'nl',
  NL: 'nl', IT: 'it', JP: 'ja', KR: 'ko', ID: 'id', PL: 'pl', TR: 'tr', SE: 'sv', NO: 'nb', DK: 'da', FI: 'fi', CZ: 'cs',
  GR: 'el', HU: 'hu', RO: 'ro', HK: 'zh',
};

/**
 * Locale shares within one country, the audience-sizing rule: 85% its main language,
 * 10% English, 5% spread evenly over the other locales; 95% English where English is
 * the main language.
 */
export function localeShares(country: string | undefined): Record<SimLocale, number> {
  const main = (country !== undefined && MAIN_LANGUAGE[country]) || 'en';
  const others = SIM_LOCALES.filter((l) => l !== main && l !== 'en');
  const share = (locale: SimLocale): number => {
    if (locale === main) return main === 'en' ? 0.95 : 0.85;
    if (locale === 'en') return 0.1;
    return 0.05 / others.length;
  };
  return Object.fromEntries(SIM_LOCALES.map((locale) => [locale, share(locale)])) as Record<SimLocale, number>;
}

/** Share of people holding each interest (`INTEREST_SHARE_BY_KEY`); interests are independent. */
export const INTEREST_SHARES: Readonly<Record<InterestKey, number>> = {
  food_and_drinks: 0.4,
  home_decor: 0.35,
  womens_fashion: 0.3,
  beauty: 0.28,
  diy_and_crafts: 0.25,
  travel: 0.2,
  art: 0.18,
  health: 0.18,
  design: 0.15,
  quotes: 0.15,
  entertainment: 0.15,
  parenting: 0.12,
  gardening: 0.12,
  animals: 0.12,
  wedding: 0.1,
  event_planning: 0.1,
  education: 0.1,
  mens_fashion: 0.1,
  architecture: 0.08,
  electronics: 0.08,
  sport: 0.08,
  childrens_fashion: 0.07,
  vehicles: 0.06,
  finance: 0.05,
};

/** Share of people seen on each placement in a month (`SYNTHETIC_PLACEMENT_REACH`). */
export const PLACEMENT_REACH = { BROWSE: 0.97, SEARCH: 0.55, OTHER: 0.6 } as const;
