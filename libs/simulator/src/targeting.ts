/**
 * Ad groups' targeting as the simulator sees it: Pinterest's `targeting_spec` shape
 * (the subset Loupe's ad-groups API accepts and the catalog uses), read through the
 * auction's own matcher so the simulator and the serving path agree on who an ad
 * group reaches.
 */
import { matchesAudience, normaliseWords, type AudienceRule, type KeywordMatchType, type RequestContext, type ServingPlacement } from '@loupe/auction';
import { SIM_AGE_BRACKETS, type AgeBracket, type SimAppType, type SimGender, type SimLocale } from './vocabulary';
import type { SimUser } from './population';

/** Pinterest's targetable age buckets (`AGE_BUCKETS` of the targeting contract). */
export const TARGETABLE_AGE_BUCKETS = ['18-24', '19+', '20+', '21+', '25-34', '35-44', '45-49', '50-54', '55-64', '65+'] as const;
export type TargetableAgeBucket = (typeof TARGETABLE_AGE_BUCKETS)[number];

export interface SimKeyword {
  value: string;
  match_type: KeywordMatchType;
}

/** A `targeting_spec` the ad-groups API accepts. */
export interface SimTargetingSpec {
  AGE_BUCKET?: TargetableAgeBucket[];
  GENDER?: SimGender[];
  LOCATION?: string[];
  GEO?: string[];
  LOCALE?: SimLocale[];
  APPTYPE?: SimAppType[];
  INTEREST?: string[];
  KEYWORD?: SimKeyword[];
}

/** The person brackets an age bucket covers (the open-ended 19+/20+/21+ cover everyone, as in the contract). */
function bracketsOf(bucket: TargetableAgeBucket): readonly AgeBracket[] {
  return bucket.endsWith('+') && bucket !== '65+' ? SIM_AGE_BRACKETS : [bucket as AgeBracket];
}

const setOf = (values: readonly string[] | undefined): ReadonlySet<string> | undefined =>
  values && values.length > 0 ? new Set(values) : undefined;

/** The auction's `AudienceRule` of a spec (as the serving index builds it). */
export function audienceRuleOf(spec: SimTargetingSpec): AudienceRule {
  const locations = [...(spec.LOCATION ?? []), ...(spec.GEO ?? [])];
  return {
    ageBuckets: spec.AGE_BUCKET ? new Set(spec.AGE_BUCKET.flatMap(bracketsOf)) : undefined,
    genders: setOf(spec.GENDER),
    locations: setOf(locations),
    locales: setOf(spec.LOCALE),
    appTypes: setOf(spec.APPTYPE),
    interests: setOf(spec.INTEREST),
    keywords: spec.KEYWORD?.map((k) => ({ words: normaliseWords(k.value), matchType: k.match_type })),
  };
}

/** The auction's request context for a person on a placement (with the search query on SEARCH). */
export function requestContextOf(user: SimUser, placement: ServingPlacement, query = ''): RequestContext {
  return {
    placement,
    ageBucket: user.ageBucket,
    gender: user.gender,
    location: user.location,
    locale: user.locale,
    appType: user.appType,
    interests: user.interests,
    queryWords: placement === 'SEARCH' ? normaliseWords(query) : [],
  };
}

/** Rules per spec object (specs are never mutated once built): a simulation asks about the same few ad groups millions of times. */
const RULES = new WeakMap<SimTargetingSpec, AudienceRule>();

/** Whether `spec` reaches `user` on `placement` (for `query` on SEARCH). */
export function targets(spec: SimTargetingSpec, user: SimUser, placement: ServingPlacement, query = ''): boolean {
  let rule = RULES.get(spec);
  if (!rule) {
    rule = audienceRuleOf(spec);
    RULES.set(spec, rule);
  }
  return matchesAudience(rule, requestContextOf(user, placement, query));
}
