/**
 * Audience sizing: how many people a targeting rule can reach in a month, estimated
 * from a population model (`Population`). Pure and deterministic — the same rule and
 * population always give the same estimate.
 *
 * It counts exactly the people `matchesAudience` would let through, under the model's
 * assumption that the dimensions are independent within a country:
 *
 *   reach = Σ over targeted countries c of
 *             MAU(c) × location(c) × locale(c) × age × gender × app type × interests × placement
 *
 * - location(c): 1 for a whole country, the sum of the targeted regions' shares for
 *   regions of it ("US-CA"), minus excluded regions; an excluded country is 0.
 * - locale(c): the share of c's users on the targeted locales (locales depend on the
 *   country: few people in Japan use German).
 * - age, gender, app type: the share of the targeted values (values are exclusive: a
 *   person is in one age bracket, has one gender, one main app). Age buckets arrive as
 *   the disjoint brackets people fall in (the targeting contract expands "21+"), so
 *   overlapping buckets are never counted twice.
 * - interests: people have several interests, held independently, so the share with
 *   ANY targeted interest and NONE of the excluded ones is
 *   (1 − Π(1 − pᵢ)) × Π(1 − pₑ).
 * - placement: the share of users seen on the placement in a month. Keywords only
 *   act on SEARCH (as in the matcher): there the reach is the searching share times the
 *   share of searchers whose queries match any keyword (1 − Π(1 − qₖ)), times the share
 *   no negative keyword removes (Π(1 − qₙ)). ALL is the union of the placements.
 */
import type { AudienceRule, KeywordMatchType, KeywordRule } from './targeting-match';

export interface Population {
  /** Monthly active users per country (ISO 3166-1 alpha-2). */
  monthlyActiveUsers: Readonly<Record<string, number>>;
  /** Used for a country that is valid but not listed. */
  defaultMonthlyActiveUsers: number;
  /** Share of a country's users in each of its regions (keys like "US-CA"), by country. */
  regionShares: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Share of a region that is not listed (countries without a region table). */
  defaultRegionShare: number;
  /** Share of users in each disjoint age bracket (shares sum to 1). */
  ageBrackets: Readonly<Record<string, number>>;
  genders: Readonly<Record<string, number>>;
  appTypes: Readonly<Record<string, number>>;
  /** Locale shares per country; `default` for countries not listed. Keys are targeting values. */
  locales: { byCountry: Readonly<Record<string, Readonly<Record<string, number>>>>; default: Readonly<Record<string, number>> };
  /** Share of users holding each interest (a user holds several). */
  interests: Readonly<Record<string, number>>;
  /** Share of users seen on each placement in a month. */
  placementReach: Readonly<Record<'BROWSE' | 'SEARCH' | 'OTHER', number>>;
  /** Share of searchers whose queries match a one-word keyword, by match type. */
  keywordShare: Readonly<Record<KeywordMatchType, number>>;
}

export type SizingPlacement = 'ALL' | 'BROWSE' | 'SEARCH' | 'OTHER';

export interface AudienceEstimate {
  /** The model's point estimate (people, not rounded). */
  estimate: number;
  /** Reported range, rounded to two significant digits (see `audienceRange`). */
  lowerBound: number;
  upperBound: number;
}

const sum = (xs: Iterable<number>): number => {
  let total = 0;
  for (const x of xs) total += x;
  return total;
};

function shareOf(table: Readonly<Record<string, number>>, values: ReadonlySet<string> | undefined): number {
  if (!values || values.size === 0) return 1;
  return Math.min(1, sum([...values].map((v) => table[v] ?? 0)));
}

/** P(any targeted interest and none of the excluded), interests held independently. */
export function interestShare(population: Population, rule: Pick<AudienceRule, 'interests' | 'excludedInterests'>): number {
  const excluded = rule.excludedInterests ?? new Set<string>();
  const p = (i: string) => Math.min(1, Math.max(0, population.interests[i] ?? 0));
  const included = [...(rule.interests ?? [])].filter((i) => !excluded.has(i));
  const any = rule.interests && rule.interests.size > 0 ? 1 - included.reduce((acc, i) => acc * (1 - p(i)), 1) : 1;
  const none = [...excluded].reduce((acc, i) => acc * (1 - p(i)), 1);
  return any * none;
}

/**
 * A deterministic "popularity" in [0.5, 1.5) from the keyword's words (FNV-1a), so two
 * keywords do not size identically and the same keyword always sizes the same.
 */
function popularity(words: readonly string[]): number {
  let hash = 0x811c9dc5;
  for (const char of words.join(' ')) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return 0.5 + hash / 2 ** 32;
}

/** Share of searchers whose queries one keyword matches: narrower with each word. */
export function keywordReach(population: Population, keyword: KeywordRule): number {
  if (keyword.words.length === 0) return 0;
  return Math.min(1, (population.keywordShare[keyword.matchType] * popularity(keyword.words)) / 2 ** (keyword.words.length - 1));
}

/** Share of users reachable on the placement (keywords narrow SEARCH only). */
export function placementShare(population: Population, placement: SizingPlacement, keywords: readonly KeywordRule[] | undefined): number {
  const isNegative = (k: KeywordRule) => k.matchType === 'PHRASE_NEGATIVE' || k.matchType === 'EXACT_NEGATIVE';
  const positives = (keywords ?? []).filter((k) => !isNegative(k));
  const negatives = (keywords ?? []).filter(isNegative);
  const matched = positives.length > 0 ? 1 - positives.reduce((acc, k) => acc * (1 - keywordReach(population, k)), 1) : 1;
  const kept = negatives.reduce((acc, k) => acc * (1 - keywordReach(population, k)), 1);
  const search = population.placementReach.SEARCH * matched * kept;
  const { BROWSE: browse, OTHER: other } = population.placementReach;
  switch (placement) {
    case 'BROWSE':
      return browse;
    case 'OTHER':
      return other;
    case 'SEARCH':
      return search;
    case 'ALL':
      // Seen on at least one placement (placements used independently).
      return 1 - (1 - browse) * (1 - other) * (1 - search);
  }
}

function regionShare(population: Population, region: string): number {
  const country = region.slice(0, region.indexOf('-'));
  return population.regionShares[country]?.[region] ?? population.defaultRegionShare;
}

/** Users of each country the rule's locations reach, after exclusions. */
export function locationUsers(population: Population, rule: Pick<AudienceRule, 'locations' | 'excludedLocations'>): Map<string, number> {
  const countryOf = (location: string) => (location.includes('-') ? location.slice(0, location.indexOf('-')) : location);
  const wholeCountries = new Set<string>();
  const regionsByCountry = new Map<string, Set<string>>();
  const targeted = rule.locations && rule.locations.size > 0 ? [...rule.locations] : Object.keys(population.monthlyActiveUsers);
  for (const location of targeted) {
    const country = countryOf(location);
    if (location === country) wholeCountries.add(country);
    else (regionsByCountry.get(country) ?? regionsByCountry.set(country, new Set()).get(country)!).add(location);
  }
  const excluded = [...(rule.excludedLocations ?? [])];
  const users = new Map<string, number>();
  for (const country of new Set([...wholeCountries, ...regionsByCountry.keys()])) {
    if (excluded.includes(country)) continue;
    const excludedRegions = excluded.filter((l) => l !== country && countryOf(l) === country);
    // A whole country absorbs its listed regions; an excluded region only removes what was targeted.
    const share = wholeCountries.has(country)
      ? 1 - sum(excludedRegions.map((r) => regionShare(population, r)))
      : sum([...regionsByCountry.get(country)!].filter((r) => !excludedRegions.includes(r)).map((r) => regionShare(population, r)));
    const clamped = Math.min(1, Math.max(0, share));
    if (clamped > 0) users.set(country, (population.monthlyActiveUsers[country] ?? population.defaultMonthlyActiveUsers) * clamped);
  }
  return users;
}

/** Two significant digits, rounded in the given direction (1234 → 1200 down, 1300 up). */
export function roundSignificant(value: number, direction: 'down' | 'up'): number {
  if (value <= 0) return 0;
  const step = 10 ** Math.max(0, Math.floor(Math.log10(value)) - 1);
  return (direction === 'down' ? Math.floor(value / step) : Math.ceil(value / step)) * step;
}

/** Audiences below this are reported as 0 – this, so a narrow spec does not reveal a tiny group's size. */
export const MIN_REPORTED_AUDIENCE = 1000;
/** ± this fraction around the estimate, the model's stated uncertainty. */
export const AUDIENCE_UNCERTAINTY = 0.15;

export function audienceRange(estimate: number): { lowerBound: number; upperBound: number } {
  if (estimate < MIN_REPORTED_AUDIENCE) return { lowerBound: 0, upperBound: MIN_REPORTED_AUDIENCE };
  return {
    lowerBound: roundSignificant(estimate * (1 - AUDIENCE_UNCERTAINTY), 'down'),
    upperBound: roundSignificant(estimate * (1 + AUDIENCE_UNCERTAINTY), 'up'),
  };
}

/** The monthly reach of a targeting rule on a placement, under the population model. */
export function estimateAudience(population: Population, rule: AudienceRule, placement: SizingPlacement): AudienceEstimate {
  const demographic =
    shareOf(population.ageBrackets, rule.ageBuckets) *
    shareOf(population.genders, rule.genders) *
    shareOf(population.appTypes, rule.appTypes) *
    interestShare(population, rule) *
    placementShare(population, placement, rule.keywords);
  let estimate = 0;
  for (const [country, users] of locationUsers(population, rule)) {
    const locales = population.locales.byCountry[country] ?? population.locales.default;
    estimate += users * shareOf(locales, rule.locales) * demographic;
  }
  return { estimate, ...audienceRange(estimate) };
}
