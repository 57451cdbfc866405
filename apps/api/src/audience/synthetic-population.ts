/**
 * The synthetic user population audience sizing uses until the simulator provides a
 * simulated one. Round, plausible figures for a visual-discovery network — not
 * measurements. docs/api.md ("Audience sizing") documents every number; change both
 * together. Pure data and arithmetic: no I/O, deterministic.
 *
 * Keys are the targeting contract's own values (libs/contracts/src/targeting.ts), and
 * the spec beside this file proves every targetable value has a share.
 */
import type { Population } from '@loupe/auction';
import { INTERESTS, LOCALES, type Gender, type AppType, type PersonAgeBucket } from '@loupe/contracts';

/** Monthly active users of the largest markets. */
export const SYNTHETIC_MAU: Readonly<Record<string, number>> = {
  US: 95_000_000, BR: 30_000_000, IN: 25_000_000, MX: 20_000_000, DE: 16_000_000, FR: 14_000_000, GB: 14_000_000,
  ID: 10_000_000, CA: 9_000_000, IT: 9_000_000, ES: 9_000_000, AU: 8_000_000, JP: 8_000_000, AR: 6_000_000, PL: 6_000_000,
  CO: 5_000_000, NL: 4_000_000, PH: 4_000_000, TR: 4_000_000, CL: 3_000_000, ZA: 3_000_000, BE: 2_000_000, SE: 2_000_000,
  PT: 2_000_000, RO: 2_000_000, KR: 2_000_000, AT: 1_800_000, CH: 1_600_000, CZ: 1_500_000, GR: 1_500_000, HU: 1_200_000,
  NZ: 1_200_000, NO: 1_000_000, IL: 1_000_000, DK: 900_000, IE: 900_000, FI: 800_000, SG: 800_000, HK: 700_000,
};
/** Monthly active users of any other country Pinterest serves. */
export const DEFAULT_MAU = 200_000;

/** Residents (thousands) of each GEO region; a region's share of its country's users is its share of residents. */
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

/** Share of users in each age bracket people fall in (sums to 1). */
export const SYNTHETIC_AGE_BRACKETS: Readonly<Record<PersonAgeBucket, number>> = {
  '18-24': 0.2,
  '25-34': 0.26,
  '35-44': 0.21,
  '45-49': 0.09,
  '50-54': 0.08,
  '55-64': 0.1,
  '65+': 0.06,
};

export const SYNTHETIC_GENDERS: Readonly<Record<Gender, number>> = { female: 0.6, male: 0.32, unknown: 0.08 };

/** Each user's main app (sums to 1). */
export const SYNTHETIC_APP_TYPES: Readonly<Record<AppType, number>> = {
  iphone: 0.3,
  android_mobile: 0.28,
  web: 0.22,
  web_mobile: 0.12,
  ipad: 0.05,
  android_tablet: 0.03,
};

/**
 * The main language of the listed countries (others: English). Within a country, 85%
 * of users use its main language, 10% English (95% where English is the main one), and
 * the other 5% spread evenly over the remaining locales.
 */
export const MAIN_LANGUAGE: Readonly<Record<string, string>> = {
  US: 'en', GB: 'en', CA: 'en', AU: 'en', NZ: 'en', IE: 'en', ZA: 'en', SG: 'en', IN: 'en', PH: 'en', IL: 'en',
  BR: 'pt', PT: 'pt', MX: 'es', ES: 'es', AR: 'es', CO: 'es', CL: 'es', DE: 'de', AT: 'de', CH: 'de', FR: 'fr', BE: 'nl',
  NL: 'nl', IT: 'it', JP: 'ja', KR: 'ko', ID: 'id', PL: 'pl', TR: 'tr', SE: 'sv', NO: 'nb', DK: 'da', FI: 'fi', CZ: 'cs',
  GR: 'el', HU: 'hu', RO: 'ro', HK: 'zh',
};

/** Share of users holding each interest, by taxonomy key (a user holds several; independent). */
export const INTEREST_SHARE_BY_KEY: Readonly<Record<string, number>> = {
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

/** Share of the population seen on each placement in a month. */
export const SYNTHETIC_PLACEMENT_REACH = { BROWSE: 0.97, SEARCH: 0.55, OTHER: 0.6 } as const;

/** Share of searchers whose queries a one-word keyword matches, by match type. */
export const SYNTHETIC_KEYWORD_SHARE = { BROAD: 0.02, PHRASE: 0.01, EXACT: 0.004, PHRASE_NEGATIVE: 0.01, EXACT_NEGATIVE: 0.004 } as const;

/** Locale shares of one country (undefined: a country not listed in MAIN_LANGUAGE). */
export function localeShares(country: string | undefined): Record<string, number> {
  const main = (country !== undefined && MAIN_LANGUAGE[country]) || 'en';
  const others = LOCALES.filter((l) => l !== main && l !== 'en');
  const share = (locale: string): number => {
    if (locale === main) return main === 'en' ? 0.95 : 0.85;
    if (locale === 'en') return 0.1;
    return 0.05 / others.length;
  };
  return Object.fromEntries(LOCALES.map((locale) => [locale, share(locale)]));
}

function regionShares(): Record<string, Record<string, number>> {
  return Object.fromEntries(
    Object.entries(REGION_RESIDENTS_THOUSANDS).map(([country, regions]) => {
      const total = Object.values(regions).reduce((a, b) => a + b, 0);
      return [country, Object.fromEntries(Object.entries(regions).map(([region, k]) => [`${country}-${region}`, k / total]))];
    }),
  );
}

/** The synthetic population, keyed by the targeting contract's values. */
export const SYNTHETIC_POPULATION: Population = {
  monthlyActiveUsers: SYNTHETIC_MAU,
  defaultMonthlyActiveUsers: DEFAULT_MAU,
  regionShares: regionShares(),
  // Every GEO region has a share (tested), so this is never used for a valid spec.
  defaultRegionShare: 0,
  ageBrackets: SYNTHETIC_AGE_BRACKETS,
  genders: SYNTHETIC_GENDERS,
  appTypes: SYNTHETIC_APP_TYPES,
  locales: {
    byCountry: Object.fromEntries(Object.keys(MAIN_LANGUAGE).map((country) => [country, localeShares(country)])),
    default: localeShares(undefined),
  },
  interests: Object.fromEntries(INTERESTS.map((interest) => [interest.id, INTEREST_SHARE_BY_KEY[interest.key] ?? 0])),
  placementReach: SYNTHETIC_PLACEMENT_REACH,
  keywordShare: SYNTHETIC_KEYWORD_SHARE,
};
