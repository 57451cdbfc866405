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
  const rule: AudienceRule = {};
  const assign = <K extends keyof AudienceRule>(key: K, value: AudienceRule[K] | undefined) => {
    if (value !== undefined) rule[key] = value;
  };
  assign('ageBuckets', asSet(audience.ageBuckets));
  assign('genders', asSet(audience.genders));
  assign('locations', asSet(audience.locations));
  assign('excludedLocations', asSet(audience.excludedLocations));
  assign('locales', asSet(audience.locales));
  assign('appTypes', asSet(audience.appTypes));
  assign('interests', asSet(audience.interests));
  assign('excludedInterests', asSet(audience.excludedInterests));
  assign('keywords', keywords.size > 0 ? [...keywords.values()] : undefined);
  return rule;
}
