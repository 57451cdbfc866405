/**
 * Does an ad group's targeting match one ad request? Pure and allocation-light: the
 * serving index normalises each ad group's targeting spec once into `AudienceRule`
 * (sets of allowed values per dimension) and evaluates it per request.
 *
 * Semantics (as Pinterest's): a dimension with no values is "everyone"; values within a
 * dimension are ORed; dimensions are ANDed; an exclusion removes a match. Interests
 * match when the user has any targeted interest. On SEARCH placements keywords decide:
 * an ad group with keywords matches a query when any keyword matches it under its match
 * type and no negative keyword does; on BROWSE placements keywords are ignored.
 */
export type KeywordMatchType = 'BROAD' | 'PHRASE' | 'EXACT' | 'PHRASE_NEGATIVE' | 'EXACT_NEGATIVE';

export interface KeywordRule {
  /** Normalised words of the keyword (see `normaliseWords`). */
  words: readonly string[];
  matchType: KeywordMatchType;
}

export interface AudienceRule {
  ageBuckets?: ReadonlySet<string>;
  genders?: ReadonlySet<string>;
  locations?: ReadonlySet<string>;
  excludedLocations?: ReadonlySet<string>;
  locales?: ReadonlySet<string>;
  appTypes?: ReadonlySet<string>;
  interests?: ReadonlySet<string>;
  excludedInterests?: ReadonlySet<string>;
  keywords?: readonly KeywordRule[];
}

export interface RequestContext {
  placement: string;
  ageBucket?: string;
  gender?: string;
  /** Country code, optionally with a region: "US" or "US-CA". */
  location?: string;
  locale?: string;
  appType?: string;
  interests: readonly string[];
  /** Normalised words of the search query (SEARCH placements). */
  queryWords: readonly string[];
}

export function normaliseWords(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

function allowed(set: ReadonlySet<string> | undefined, value: string | undefined): boolean {
  if (!set || set.size === 0) return true;
  return value !== undefined && set.has(value);
}

/** A location rule "US" matches "US" and any region of it ("US-CA"); "US-CA" matches only California. */
function locationIn(set: ReadonlySet<string>, location: string | undefined): boolean {
  if (location === undefined) return false;
  if (set.has(location)) return true;
  const dash = location.indexOf('-');
  return dash > 0 && set.has(location.slice(0, dash));
}

export function keywordMatches(rule: KeywordRule, query: readonly string[]): boolean {
  const { words } = rule;
  if (words.length === 0 || query.length === 0) return false;
  switch (rule.matchType) {
    case 'EXACT':
    case 'EXACT_NEGATIVE':
      return words.length === query.length && words.every((w, i) => w === query[i]);
    case 'PHRASE':
    case 'PHRASE_NEGATIVE':
      for (let start = 0; start + words.length <= query.length; start++) {
        if (words.every((w, i) => w === query[start + i])) return true;
      }
      return false;
    case 'BROAD':
      return words.every((w) => query.includes(w));
  }
}

export function matchesAudience(rule: AudienceRule, request: RequestContext): boolean {
  if (!allowed(rule.ageBuckets, request.ageBucket)) return false;
  if (!allowed(rule.genders, request.gender)) return false;
  if (!allowed(rule.locales, request.locale)) return false;
  if (!allowed(rule.appTypes, request.appType)) return false;
  if (rule.locations && rule.locations.size > 0 && !locationIn(rule.locations, request.location)) return false;
  if (rule.excludedLocations && locationIn(rule.excludedLocations, request.location)) return false;
  if (rule.interests && rule.interests.size > 0 && !request.interests.some((i) => rule.interests!.has(i))) return false;
  if (rule.excludedInterests && request.interests.some((i) => rule.excludedInterests!.has(i))) return false;
  if (request.placement === 'SEARCH' && rule.keywords && rule.keywords.length > 0) {
    let positive = false;
    for (const k of rule.keywords) {
      const hit = keywordMatches(k, request.queryWords);
      if (!hit) continue;
      if (k.matchType === 'PHRASE_NEGATIVE' || k.matchType === 'EXACT_NEGATIVE') return false;
      positive = true;
    }
    if (!positive) return false;
  }
  return true;
}
