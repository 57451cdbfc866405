/**
 * The simulated people: each has an opaque id, an age bracket, a gender, a location
 * (country, or "US-CA"-style region where GEO targeting exists), a locale, a main app,
 * interests, an activity level and the placements they use. Every distribution is the
 * audience-sizing synthetic population's (vocabulary.ts), so what audience sizing
 * promises is what the simulator delivers; the rest (activity, time zones) is
 * documented in docs/simulator.md.
 *
 * A user is a pure function of (seed, index): `simulatedUser(seed, 7)` is the same
 * person whether or not users 0..6 were generated.
 */
import type { ServingPlacement } from '@loupe/auction';
import { logNormal, pickWeighted, streamRandom, bernoulli, type Random } from './random';
import { sha256Hex } from './sha256';
import {
  AGE_SHARES,
  APP_TYPE_SHARES,
  GENDER_SHARES,
  INTEREST_KEYS,
  INTEREST_SHARES,
  interestId,
  localeShares,
  MAU_BY_COUNTRY,
  PLACEMENT_REACH,
  REGION_RESIDENTS_THOUSANDS,
  type AgeBracket,
  type InterestKey,
  type SimAppType,
  type SimGender,
  type SimLocale,
} from './vocabulary';

export interface SimUser {
  /** Position in the population; with the seed, all that is needed to regenerate the user. */
  index: number;
  /** Opaque key: SHA-256 hex of "loupe-sim:<seed>:<index>", the shape a real serve request carries. */
  id: string;
  ageBucket: AgeBracket;
  gender: SimGender;
  country: string;
  /** "US-CA" inside the countries with GEO regions, else the country code. */
  location: string;
  locale: SimLocale;
  appType: SimAppType;
  /** Held interests as taxonomy keys, in taxonomy order. */
  interestKeys: InterestKey[];
  /** The same interests as taxonomy ids (what targeting and ad requests use). */
  interests: string[];
  /** Relative visit rate (log-normal, mean 1): a few heavy users, many occasional ones. */
  activity: number;
  /** Placements this person uses at all (audience sizing's monthly reach). */
  placements: Readonly<Record<ServingPlacement, boolean>>;
  /** Offset of the person's local time from UTC, in minutes (standard time, no DST). */
  utcOffsetMinutes: number;
}

/** σ of log(activity); the median is exp(-σ²/2) so the mean activity is 1. */
export const ACTIVITY_SIGMA = 1;

/**
 * UTC offsets (hours, standard time) per country; DST is ignored — a traffic curve is
 * an hour coarse, so a one-hour seasonal shift is within its resolution.
 */
export const COUNTRY_UTC_OFFSET_HOURS: Readonly<Record<string, number>> = {
  US: -5, BR: -3, IN: 5.5, MX: -6, DE: 1, FR: 1, GB: 0, ID: 7, CA: -5, IT: 1, ES: 1, AU: 10, JP: 9, AR: -3, PL: 1, CO: -5,
  NL: 1, PH: 8, TR: 3, CL: -4, ZA: 2, BE: 1, SE: 1, PT: 0, RO: 2, KR: 9, AT: 1, CH: 1, CZ: 1, GR: 2, HU: 1, NZ: 12, NO: 1,
  IL: 2, DK: 1, IE: 0, FI: 2, SG: 8, HK: 8,
};

/** Regions whose zone differs from their country's entry above. */
export const REGION_UTC_OFFSET_HOURS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(['US-CA', 'US-WA', 'US-OR', 'US-NV'].map((r) => [r, -8])),
  ...Object.fromEntries(['US-AZ', 'US-CO', 'US-UT', 'US-NM', 'US-MT', 'US-ID', 'US-WY'].map((r) => [r, -7])),
  ...Object.fromEntries(
    ['US-TX', 'US-IL', 'US-MN', 'US-WI', 'US-MO', 'US-IA', 'US-KS', 'US-OK', 'US-NE', 'US-SD', 'US-ND', 'US-LA', 'US-AR', 'US-MS', 'US-AL', 'US-TN'].map(
      (r) => [r, -6],
    ),
  ),
  'US-AK': -9,
  'US-HI': -10,
  'CA-BC': -8,
  'CA-AB': -7,
  'CA-NT': -7,
  'CA-YT': -7,
  'CA-SK': -6,
  'CA-MB': -6,
  'CA-NU': -6,
  'CA-NS': -4,
  'CA-NB': -4,
  'CA-PE': -4,
  'CA-NL': -3.5,
  'AU-WA': 8,
  'AU-SA': 9.5,
  'AU-NT': 9.5,
};

/**
 * Share of simulated people per country: the listed markets' monthly active users.
 * (Audience sizing also gives 200,000 people to each unlisted country; the simulator
 * leaves those out — together they would be invisible in a population of thousands.)
 */
export const COUNTRY_SHARES: Readonly<Record<string, number>> = (() => {
  const total = Object.values(MAU_BY_COUNTRY).reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.entries(MAU_BY_COUNTRY).map(([c, mau]) => [c, mau / total]));
})();

/** Share of a GEO country's people per region ("US-CA" → 0.118…): its share of residents. */
export const REGION_SHARES: Readonly<Record<string, Readonly<Record<string, number>>>> = Object.fromEntries(
  Object.entries(REGION_RESIDENTS_THOUSANDS).map(([country, regions]) => {
    const total = Object.values(regions).reduce((a, b) => a + b, 0);
    return [country, Object.fromEntries(Object.entries(regions).map(([r, k]) => [`${country}-${r}`, k / total]))];
  }),
);

/** The opaque id of user `index` under `seed`. */
export function simulatedUserId(seed: number, index: number): string {
  return sha256Hex(`loupe-sim:${seed}:${index}`);
}

/** User `index` of the population of `seed`. */
export function simulatedUser(seed: number, index: number): SimUser {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError('a user index is a non-negative integer');
  const random: Random = streamRandom(seed, 'user', index);
  // The order of draws is part of the model: changing it changes every population.
  const ageBucket = pickWeighted(random, AGE_SHARES);
  const gender = pickWeighted(random, GENDER_SHARES);
  const country = pickWeighted(random, COUNTRY_SHARES);
  const regions = REGION_SHARES[country];
  const location = regions ? pickWeighted(random, regions) : country;
  const locale = pickWeighted(random, localeShares(country));
  const appType = pickWeighted(random, APP_TYPE_SHARES);
  const interestKeys = INTEREST_KEYS.filter((key) => bernoulli(random, INTEREST_SHARES[key]));
  const activity = logNormal(random, Math.exp(-(ACTIVITY_SIGMA * ACTIVITY_SIGMA) / 2), ACTIVITY_SIGMA);
  const placements = {
    BROWSE: bernoulli(random, PLACEMENT_REACH.BROWSE),
    SEARCH: bernoulli(random, PLACEMENT_REACH.SEARCH),
    OTHER: bernoulli(random, PLACEMENT_REACH.OTHER),
  };
  const offsetHours = REGION_UTC_OFFSET_HOURS[location] ?? COUNTRY_UTC_OFFSET_HOURS[country] ?? 0;
  return {
    index,
    id: simulatedUserId(seed, index),
    ageBucket,
    gender,
    country,
    location,
    locale,
    appType,
    interestKeys,
    interests: interestKeys.map(interestId),
    activity,
    placements,
    utcOffsetMinutes: Math.round(offsetHours * 60),
  };
}

export interface PopulationOptions {
  seed: number;
  /** Number of people; a few thousand already reproduce every share within a few points. */
  size: number;
  /**
   * Only the people of these countries (a launch in one market): the first `size` people
   * of the seed's population who live there, each the same person, with the same index,
   * as in the whole population. Absent: everyone.
   */
  countries?: readonly string[];
}

/** Generated people looked at before a market is declared too small for `size` (a country of 0.2% needs ~500 per person). */
const MAX_PEOPLE_SCANNED_PER_PERSON = 2_000;

function peopleOf(options: PopulationOptions): SimUser[] {
  if (!options.countries) return Array.from({ length: options.size }, (_, i) => simulatedUser(options.seed, i));
  const countries = new Set(options.countries);
  const people: SimUser[] = [];
  for (let i = 0; people.length < options.size; i++) {
    if (i >= options.size * MAX_PEOPLE_SCANNED_PER_PERSON) throw new RangeError(`too few people live in ${[...countries].join(', ')} for a population of ${options.size}`);
    const user = simulatedUser(options.seed, i);
    if (countries.has(user.country)) people.push(user);
  }
  return people;
}

/** A generated population with activity-weighted sampling per placement (not to be confused with the auction's `Population`, the figures audience sizing reads). */
export class SimulatedPopulation {
  readonly users: readonly SimUser[];
  /** Per placement: users who use it, and the running sum of their activity. */
  private readonly byPlacement: Record<ServingPlacement, { users: SimUser[]; cumulative: number[] }>;

  constructor(readonly options: PopulationOptions) {
    if (!Number.isSafeInteger(options.size) || options.size < 1) throw new RangeError('a population has at least one person');
    this.users = peopleOf(options);
    const index = (placement: ServingPlacement) => {
      const users = this.users.filter((u) => u.placements[placement]);
      let sum = 0;
      return { users, cumulative: users.map((u) => (sum += u.activity)) };
    };
    this.byPlacement = { BROWSE: index('BROWSE'), SEARCH: index('SEARCH'), OTHER: index('OTHER') };
  }

  /**
   * A person making a request on `placement`: among the people who use it, with
   * probability proportional to their activity. Undefined only if nobody does.
   */
  pickVisitor(random: Random, placement: ServingPlacement): SimUser | undefined {
    const { users, cumulative } = this.byPlacement[placement];
    if (users.length === 0) return undefined;
    const target = random() * cumulative[cumulative.length - 1]!;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return users[lo];
  }
}
