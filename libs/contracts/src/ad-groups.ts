import { z } from 'zod';
import {
  BID_MAX_UNITS,
  bidMicrosSchema,
  BUDGET_MAX_UNITS,
  budgetMicrosSchema,
  campaignIdSchema,
  entityStatusesQuery,
  initialStatusSchema,
  OBJECT_STATUSES,
  objectNameSchema,
  objectStatusSchema,
  SUMMARY_STATUSES,
  timeSchema,
  trackingUrlsSchema,
} from './campaigns';
import { bulkResponse, idSchema, orderSchema, paginated, paginationQuerySchema, queryList, unsupportedField } from './common';
import { targetingSpecResponseSchema, targetingSpecSchema } from './targeting';

/** Pinterest's `ActionType` minus VIDEO_V_50_MRC: Loupe serves image ads only. */
export const BILLABLE_EVENTS = ['CLICKTHROUGH', 'IMPRESSION'] as const;
export type BillableEvent = (typeof BILLABLE_EVENTS)[number];
export const billableEventSchema = z.enum(BILLABLE_EVENTS, {
  error: (issue) =>
    issue.input === 'VIDEO_V_50_MRC'
      ? 'VIDEO_V_50_MRC is not supported: Loupe serves image ads; use IMPRESSION (CPM) or CLICKTHROUGH (CPC)'
      : 'must be IMPRESSION (CPM) or CLICKTHROUGH (CPC)',
});

/** Pinterest's `BudgetType` minus CBO_ADGROUP: Loupe has no campaign budget optimization. */
export const BUDGET_TYPES = ['DAILY', 'LIFETIME'] as const;
export type BudgetType = (typeof BUDGET_TYPES)[number];
export const budgetTypeSchema = z.enum(BUDGET_TYPES, {
  error: (issue) =>
    issue.input === 'CBO_ADGROUP'
      ? 'CBO_ADGROUP is not supported: Loupe has no campaign budget optimization; use DAILY or LIFETIME'
      : 'must be DAILY or LIFETIME',
});

/** Pinterest's `PlacementGroupType`. */
export const PLACEMENT_GROUPS = ['ALL', 'SEARCH', 'BROWSE', 'OTHER'] as const;
export type PlacementGroup = (typeof PLACEMENT_GROUPS)[number];
export const placementGroupSchema = z.enum(PLACEMENT_GROUPS, { error: `must be one of ${PLACEMENT_GROUPS.join(', ')}` });

/** Pinterest's `PacingDeliveryType`. */
export const PACING_DELIVERY_TYPES = ['STANDARD', 'ACCELERATED'] as const;
export type PacingDeliveryType = (typeof PACING_DELIVERY_TYPES)[number];
export const pacingDeliveryTypeSchema = z.enum(PACING_DELIVERY_TYPES, { error: 'must be STANDARD or ACCELERATED' });

/** Pinterest's `bid_strategy_type`. MAX_BID and TARGET_AVG need a bid; AUTOMATIC_BID must not have one. */
export const BID_STRATEGY_TYPES = ['AUTOMATIC_BID', 'MAX_BID', 'TARGET_AVG'] as const;
export type BidStrategyType = (typeof BID_STRATEGY_TYPES)[number];
export const bidStrategyTypeSchema = z.enum(BID_STRATEGY_TYPES, { error: `must be one of ${BID_STRATEGY_TYPES.join(', ')}` });

/** Frequency caps: impressions per person. */
export const LIFETIME_FREQUENCY_CAP_MAX = 1000;
export const DAILY_FREQUENCY_CAP_MAX = 100;

const numericString = z.string().regex(/^\d{1,18}$/, 'must be a numeric string');

/**
 * Pinterest's `OptimizationGoalMetadata`, stored and returned as sent. Loupe's auction
 * optimizes for the billable event only; conversion goals are informational.
 */
export const optimizationGoalMetadataSchema = z
  .object({
    conversion_tag_v3_goal_metadata: z
      .object({
        attribution_windows: z
          .object({
            click_window_days: z.number().int().min(0).max(90).optional(),
            engagement_window_days: z.number().int().min(0).max(90).optional(),
            view_window_days: z.number().int().min(0).max(90).optional(),
          })
          .strict()
          .optional(),
        conversion_event: z
          .enum(['PAGE_VISIT', 'SIGNUP', 'CHECKOUT', 'CUSTOM', 'VIEW_CATEGORY', 'SEARCH', 'ADD_TO_CART', 'WATCH_VIDEO', 'LEAD', 'APP_INSTALL'])
          .optional(),
        conversion_tag_id: numericString.optional(),
        cpa_goal_value_in_micro_currency: numericString.optional(),
        is_roas_optimized: z.boolean().nullable().optional(),
        learning_mode_type: z.enum(['NOT_ACTIVE', 'ACTIVE']).nullable().optional(),
        reporting_event: z.string().max(100).optional(),
      })
      .strict()
      .optional(),
    frequency_goal_metadata: z
      .object({
        frequency: z.number().int().min(2, 'must be between 2 and 20').max(20, 'must be between 2 and 20').optional(),
        timerange: z.enum(['THIRTY_DAY', 'DAY', 'SEVEN_DAY', 'TWENTY_MINUTE', 'TEN_MINUTE', 'TWENTY_FOUR_HOUR']).optional(),
      })
      .strict()
      .optional(),
    scrollup_goal_metadata: z
      .object({ scrollup_goal_value_in_micro_currency: numericString.nullable().optional() })
      .strict()
      .optional(),
  })
  .strict();
export type OptimizationGoalMetadata = z.infer<typeof optimizationGoalMetadataSchema>;

/** The fields of Pinterest's `AdGroupCommon` Loupe accepts, all optional (create adds the required ones and defaults). */
const adGroupFields = {
  name: objectNameSchema.optional(),
  status: objectStatusSchema.optional(),
  campaign_id: campaignIdSchema.optional(),
  budget_in_micro_currency: budgetMicrosSchema
    .nullable()
    .optional()
    .describe(
      `Required in Loupe (no campaign budget optimization): micro-currency per day (DAILY) or in total until end_time (LIFETIME), 1 to ${BUDGET_MAX_UNITS.toLocaleString('en-US')} units.`,
    ),
  bid_in_micro_currency: bidMicrosSchema
    .nullable()
    .optional()
    .describe(
      `Micro-currency per click (CLICKTHROUGH) or per thousand impressions (IMPRESSION), up to ${BID_MAX_UNITS.toLocaleString('en-US')} units, at least the bid floor of the placement (POST bid_floor) and at most the budget. Required with MAX_BID and TARGET_AVG; must be null with AUTOMATIC_BID.`,
    ),
  bid_strategy_type: bidStrategyTypeSchema
    .nullable()
    .optional()
    .describe('Defaults to MAX_BID when a bid is sent and AUTOMATIC_BID otherwise; null on update leaves it unchanged.'),
  budget_type: budgetTypeSchema.optional(),
  billable_event: billableEventSchema.optional(),
  start_time: timeSchema.nullable().optional(),
  end_time: timeSchema.nullable().optional(),
  targeting_spec: targetingSpecSchema.optional(),
  lifetime_frequency_cap: z
    .number()
    .int('must be a whole number of impressions')
    .min(1, 'must be at least 1')
    .max(LIFETIME_FREQUENCY_CAP_MAX, `must be at most ${LIFETIME_FREQUENCY_CAP_MAX}`)
    .nullable()
    .optional()
    .describe("Impressions per person over the ad group's life; as in Pinterest only for IMPRESSION billing and with an end_time."),
  daily_frequency_cap: z
    .number()
    .int('must be a whole number of impressions')
    .min(1, 'must be at least 1')
    .max(DAILY_FREQUENCY_CAP_MAX, `must be at most ${DAILY_FREQUENCY_CAP_MAX}`)
    .nullable()
    .optional()
    .describe("Loupe extension: impressions per person per day (days cut in the ad account's timezone); at most lifetime_frequency_cap."),
  tracking_urls: trackingUrlsSchema.nullable().optional().describe('Send {} to remove them, as in Pinterest.'),
  auto_targeting_enabled: z
    .boolean()
    .nullable()
    .optional()
    .describe('Stored and returned (default false); no effect: Loupe does not expand audiences beyond targeting_spec.'),
  placement_group: placementGroupSchema.optional(),
  pacing_delivery_type: pacingDeliveryTypeSchema.optional(),
  optimization_goal_metadata: optimizationGoalMetadataSchema
    .nullable()
    .optional()
    .describe('Stored and returned; informational: the auction optimizes for the billable event.'),
  is_creative_optimization: z.boolean().nullable().optional().describe('Stored and returned; no effect: Loupe does not reformat product pins.'),
  promotion_id: unsupportedField('promotions'),
  promotion_application_level: unsupportedField('promotions'),
  targeting_template_ids: unsupportedField('targeting templates'),
  bid_multiplier: unsupportedField('bid multipliers'),
};

/**
 * One item of POST /v5/ad_accounts/{ad_account_id}/ad_groups — Pinterest's
 * `AdGroupCreateRequest`. Defaults as Pinterest's: status ACTIVE, budget_type DAILY,
 * placement_group ALL, pacing STANDARD; targeting_spec {} (everyone).
 */
export const adGroupCreateItemSchema = z
  .object({
    ...adGroupFields,
    name: objectNameSchema,
    campaign_id: campaignIdSchema,
    billable_event: billableEventSchema,
    status: initialStatusSchema.default('ACTIVE'),
    budget_type: budgetTypeSchema.default('DAILY'),
    placement_group: placementGroupSchema.default('ALL'),
    pacing_delivery_type: pacingDeliveryTypeSchema.default('STANDARD'),
  })
  .strict();
export type AdGroupCreateItem = z.infer<typeof adGroupCreateItemSchema>;

/**
 * One item of PATCH /v5/ad_accounts/{ad_account_id}/ad_groups — Pinterest's
 * `AdGroupUpdateRequest`: the ad group's `id` and the fields to change; null clears a
 * nullable field.
 */
export const adGroupUpdateItemSchema = z.object({ ...adGroupFields, id: idSchema }).strict();
export type AdGroupUpdateItem = z.infer<typeof adGroupUpdateItemSchema>;

/** Pinterest's `AdGroupResponse`. */
export const adGroupSchema = z.object({
  id: idSchema,
  ad_account_id: idSchema,
  campaign_id: idSchema,
  name: z.string(),
  status: z.enum(OBJECT_STATUSES),
  budget_in_micro_currency: z.number().int().nullable(),
  bid_in_micro_currency: z.number().int().nullable(),
  bid_strategy_type: bidStrategyTypeSchema.nullable(),
  budget_type: budgetTypeSchema,
  billable_event: billableEventSchema,
  start_time: z.number().int().nullable(),
  end_time: z.number().int().nullable(),
  targeting_spec: targetingSpecResponseSchema,
  /** Left out when there is none: Pinterest's schema does not allow null here. */
  lifetime_frequency_cap: z.number().int().optional(),
  daily_frequency_cap: z.number().int().nullable().describe('Loupe extension.'),
  tracking_urls: trackingUrlsSchema.nullable(),
  auto_targeting_enabled: z.boolean(),
  placement_group: placementGroupSchema,
  pacing_delivery_type: pacingDeliveryTypeSchema,
  /** Left out when there is none: Pinterest's schema refuses null here (its allOf branch is not nullable). */
  optimization_goal_metadata: optimizationGoalMetadataSchema.optional(),
  is_creative_optimization: z.boolean(),
  promotion_id: z.null(),
  promotion_application_level: z.null(),
  targeting_template_ids: z.null(),
  bid_multiplier: z.null(),
  conversion_learning_mode_type: z.null(),
  summary_status: z.enum(SUMMARY_STATUSES),
  type: z.literal('adgroup'),
  created_time: z.number().int(),
  updated_time: z.number().int(),
});
export type AdGroup = z.infer<typeof adGroupSchema>;
export const adGroupPageSchema = paginated(adGroupSchema);
export const adGroupBulkResponseSchema = bulkResponse(adGroupSchema);

/** GET /v5/ad_accounts/{ad_account_id}/ad_groups. */
export const adGroupListQuerySchema = paginationQuerySchema.extend({
  campaign_ids: queryList(idSchema),
  ad_group_ids: queryList(idSchema),
  entity_statuses: entityStatusesQuery,
  order: orderSchema.optional(),
  /** Pinterest's option: INTEREST values come back as interest names instead of ids. */
  translate_interests_to_names: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
});
export type AdGroupListQuery = z.infer<typeof adGroupListQuerySchema>;

export const adGroupParamsSchema = z.object({ ad_account_id: idSchema, ad_group_id: idSchema });
