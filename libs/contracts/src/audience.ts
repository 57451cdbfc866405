import { z } from 'zod';
import { placementGroupSchema } from './ad-groups';
import { pinCreativeTypeSchema } from './pins';
import { KEYWORDS_PER_AD_GROUP_MAX, targetingKeywordSchema, targetingSpecSchema } from './targeting';

/**
 * POST /v5/ad_accounts/{ad_account_id}/ad_groups/audience_sizing — Pinterest's
 * `AdGroupAudienceSizingRequest`. Targeting is validated by the ad groups' own
 * `targetingSpecSchema`, so a spec sizes here exactly when an ad group accepts it.
 */
export const audienceSizingBodySchema = z
  .object({
    targeting_spec: targetingSpecSchema.optional(),
    /** Pinterest's top-level keywords; sized together with targeting_spec.KEYWORD. Keywords act on SEARCH only. */
    keywords: z
      .array(targetingKeywordSchema)
      .max(KEYWORDS_PER_AD_GROUP_MAX, `must hold at most ${KEYWORDS_PER_AD_GROUP_MAX} keywords`)
      .nullable()
      .optional(),
    placement_group: placementGroupSchema.default('ALL'),
    /** Accepted for compatibility: Loupe's auction does not expand targeting, so it does not change the estimate. */
    auto_targeting_enabled: z.boolean().default(true),
    /** Accepted for compatibility: Loupe serves image pins (REGULAR), and the creative does not change who can be reached. */
    creative_types: z.array(pinCreativeTypeSchema).max(20).nullable().optional(),
    product_group_ids: z
      .array(z.string())
      .max(0, 'product groups are not supported by Loupe (no catalogs or shopping retargeting); omit product_group_ids')
      .nullable()
      .optional(),
  })
  .strict();
export type AudienceSizingBody = z.infer<typeof audienceSizingBodySchema>;

/** Pinterest's `AdGroupAudienceSizingResponse`: a monthly reach range, rounded. */
export const audienceSizingResponseSchema = z.object({
  audience_size_lower_bound: z.number().int().min(0),
  audience_size_upper_bound: z.number().int().min(0),
});
export type AudienceSizingResponse = z.infer<typeof audienceSizingResponseSchema>;
