import { z } from 'zod';
import { billableEventSchema, optimizationGoalMetadataSchema, placementGroupSchema } from './ad-groups';
import { objectiveTypeSchema } from './campaigns';
import { countrySchema, currencySchema } from './identity';
import { pinCreativeTypeSchema } from './pins';
import { targetingSpecSchema } from './targeting';

/** One entry of Pinterest's `BidFloorRequest.bid_floor_specs`, plus Loupe's `placement_group`. */
export const bidFloorSpecSchema = z
  .object({
    billable_event: billableEventSchema,
    /** Pinterest requires it; Loupe defaults it to the ad account's currency. */
    currency: currencySchema.optional(),
    /** Accepted for compatibility; floors do not vary by country today. */
    countries: z.array(countrySchema).max(250, 'must hold at most 250 countries').optional(),
    creative_type: pinCreativeTypeSchema.optional(),
    objective_type: objectiveTypeSchema.optional(),
    /** Accepted for compatibility: floors do not depend on optimization goals. */
    optimization_goal_metadata: optimizationGoalMetadataSchema.nullable().optional(),
    /** Loupe extension: the placement the floor is for; ALL (default) answers the lowest placement floor. */
    placement_group: placementGroupSchema.default('ALL'),
  })
  .strict();
export type BidFloorSpec = z.infer<typeof bidFloorSpecSchema>;

/** Specs one request may price. */
export const BID_FLOOR_SPECS_MAX = 100;

/** POST /v5/ad_accounts/{ad_account_id}/bid_floor — Pinterest's `BidFloorRequest`. */
export const bidFloorBodySchema = z
  .object({
    bid_floor_specs: z
      .array(bidFloorSpecSchema)
      .min(1, 'send at least one bid floor spec')
      .max(BID_FLOOR_SPECS_MAX, `send at most ${BID_FLOOR_SPECS_MAX} bid floor specs`),
    /** Validated like an ad group's targeting; floors do not vary by audience today. */
    targeting_spec: targetingSpecSchema.optional(),
  })
  .strict();
export type BidFloorBody = z.infer<typeof bidFloorBodySchema>;

/** Pinterest's `BidFloor`: one floor per spec, in order, in micro-currency. */
export const bidFloorResponseSchema = z.object({
  bid_floors: z.array(z.number().int()),
  type: z.literal('bidfloor'),
});
export type BidFloorResponse = z.infer<typeof bidFloorResponseSchema>;
