import { normaliseWords, type AudienceRule, type KeywordRule } from '@loupe/auction';
import type { TargetingAudience, TargetingKeyword } from '@loupe/contracts';

const asSet = <T extends string>(values: readonly T[] | undefined): ReadonlySet<string> | undefined =>
  values && values.length > 0 ? new Set<string>(values) : undefined;

/**
 * The auction's `AudienceRule` for a targeting audience (the contract's one reading of
 * a targeting spec), plus any extra keywords — so audience sizing counts exactly the
 * people the matcher would let through. Keywords are normalised to words as the matcher
 * compares them, and duplicates (same words, same match type) are kept once.
 */
export function toAudienceRule(audience: TargetingAudience, extraKeywords: readonly TargetingKeyword[] = []): AudienceRule {
  const keywords = new Map<string, KeywordRule>();
  for (const keyword of [...(audience.keywords ?? []), ...extraKeywords]) {
    const words = normaliseWords(keyword.value);
    if (words.length === 0) continue;
    keywords.set(`${keyword.match_type}:${words.join(' ')}`, { words, matchType: keyword.match_type });
  }
  // Every rule has every field, in one order (undefined when not targeted): the serve path
  // tests hundreds of rules per request, and one shape keeps those property reads monomorphic.
  const rule: AudienceRule = {
    ageBuckets: asSet(audience.ageBuckets),
    genders: asSet(audience.genders),
    locations: asSet(audience.locations),
    excludedLocations: asSet(audience.excludedLocations),
    locales: asSet(audience.locales),
    appTypes: asSet(audience.appTypes),
    interests: asSet(audience.interests),
    excludedInterests: asSet(audience.excludedInterests),
    keywords: keywords.size > 0 ? [...keywords.values()] : undefined,
  };
  return rule;
}
