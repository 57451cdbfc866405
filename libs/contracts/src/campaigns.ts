import { z } from 'zod';
import { bulkResponse, idSchema, microsSchema, orderSchema, paginated, paginationQuerySchema, queryList, unixSecondsSchema, unsupportedField } from './common';
import { webUrlSchema } from './pins';

/*
 * Campaigns, and the vocabulary campaigns and ad groups share: entity statuses,
 * names, money bounds and third-party tracking URLs.
 */

/** Pinterest's `EntityStatus`, as list filters accept it. */
export const ENTITY_STATUSES = ['ACTIVE', 'PAUSED', 'ARCHIVED', 'DRAFT', 'DELETED_DRAFT'] as const;
export type EntityStatus = (typeof ENTITY_STATUSES)[number];
/**
 * The statuses a campaign or ad group can have in Loupe. DELETED_DRAFT is not one:
 * Loupe keeps every object for the audit trail, so a draft that is no longer wanted
 * is archived.
 */
export const OBJECT_STATUSES = ['ACTIVE', 'PAUSED', 'ARCHIVED', 'DRAFT'] as const;
export type ObjectStatus = (typeof OBJECT_STATUSES)[number];

export const objectStatusSchema = z.enum(OBJECT_STATUSES, {
  error: (issue) =>
    issue.input === 'DELETED_DRAFT'
      ? 'DELETED_DRAFT is not supported by Loupe: archive the draft instead (status ARCHIVED)'
      : `must be one of ${OBJECT_STATUSES.join(', ')}`,
});
/** Objects are born ACTIVE, PAUSED or DRAFT; archiving is a later, final step. */
export const initialStatusSchema = objectStatusSchema.refine((s) => s !== 'ARCHIVED', {
  message: 'an object is created ACTIVE, PAUSED or DRAFT; archive it later if needed',
});

/** `entity_statuses` filter of list routes: Pinterest's default is ACTIVE and PAUSED. */
export const entityStatusesQuery = queryList(z.enum(ENTITY_STATUSES, { error: `must be one of ${ENTITY_STATUSES.join(', ')}` })).default([
  'ACTIVE',
  'PAUSED',
]);

/** Campaign and ad group names (the database enforces the same bound). */
export const OBJECT_NAME_MAX = 255;
export const objectNameSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(OBJECT_NAME_MAX, `must be at most ${OBJECT_NAME_MAX} characters`);

/**
 * Money bounds, in units of the ad account's currency (documented in docs/api.md):
 * a budget or spend cap above ten million units, or a bid above ten thousand, is a
 * typo (an amount sent in micros of micros), not a plan.
 */
export const BUDGET_MAX_UNITS = 10_000_000;
export const BID_MAX_UNITS = 10_000;

/** A strictly positive amount of micro-currency up to `maxUnits` units. */
export function positiveMicrosSchema(maxUnits: number) {
  return microsSchema(maxUnits).min(1, 'must be greater than 0');
}
export const budgetMicrosSchema = positiveMicrosSchema(BUDGET_MAX_UNITS);
export const bidMicrosSchema = positiveMicrosSchema(BID_MAX_UNITS);

/** Unix seconds, named in errors as Pinterest's times. */
export const timeSchema = unixSecondsSchema;

/** Pinterest's `TrackingUrls`: up to three URLs of up to 2,000 characters per event type. */
export const TRACKING_URLS_PER_EVENT = 3;
const trackingUrlList = z.array(webUrlSchema(2000)).max(TRACKING_URLS_PER_EVENT, `must hold at most ${TRACKING_URLS_PER_EVENT} URLs`);
export const trackingUrlsSchema = z
  .object({
    impression: trackingUrlList.optional(),
    click: trackingUrlList.optional(),
    engagement: trackingUrlList.optional(),
    buyable_button: trackingUrlList.optional(),
    audience_verification: trackingUrlList.optional(),
  })
  .strict();
export type TrackingUrls = z.infer<typeof trackingUrlsSchema>;

/** Pinterest's `ObjectiveType`. */
export const OBJECTIVE_TYPES = ['AWARENESS', 'CONSIDERATION', 'WEB_CONVERSION', 'CATALOG_SALES', 'VIDEO_COMPLETION'] as const;
export type ObjectiveType = (typeof OBJECTIVE_TYPES)[number];
export const objectiveTypeSchema = z.enum(OBJECTIVE_TYPES, { error: `must be one of ${OBJECTIVE_TYPES.join(', ')}` });

/** Pinterest's `CampaignSummaryStatus` (the subset Loupe produces). */
export const SUMMARY_STATUSES = ['RUNNING', 'PAUSED', 'NOT_STARTED', 'COMPLETED', 'ARCHIVED', 'DRAFT'] as const;
export type SummaryStatus = (typeof SUMMARY_STATUSES)[number];

/** Campaign ids may carry Pinterest's "C" prefix; it is dropped. */
export const campaignIdSchema = z
  .string({ error: 'must be a numeric string id' })
  .regex(/^C?\d{1,18}$/, 'must be a numeric string id')
  .transform((v) => v.replace(/^C/, ''));

/** The fields of Pinterest's `CampaignCommon` Loupe accepts, all optional (create adds the required ones). */
const campaignFields = {
  ad_account_id: idSchema.optional().describe('Optional in Loupe; when sent it must be the ad account of the path (Pinterest repeats it in the body).'),
  name: objectNameSchema,
  status: objectStatusSchema,
  objective_type: objectiveTypeSchema,
  daily_spend_cap: budgetMicrosSchema
    .nullable()
    .optional()
    .describe(`Micro-currency, 1 to ${BUDGET_MAX_UNITS.toLocaleString('en-US')} units; at most lifetime_spend_cap.`),
  lifetime_spend_cap: budgetMicrosSchema.nullable().optional().describe(`Micro-currency, 1 to ${BUDGET_MAX_UNITS.toLocaleString('en-US')} units.`),
  start_time: timeSchema.nullable().optional().describe('Unix seconds; defaults to now on creation.'),
  end_time: timeSchema.nullable().optional().describe('Unix seconds; after start_time and in the future when set.'),
  order_line_id: idSchema.nullable().optional(),
  tracking_urls: trackingUrlsSchema.nullable().optional(),
  is_flexible_daily_budgets: z.boolean().nullable().optional().describe("Stored and returned; no effect: Loupe's pacing does not flex daily budgets."),
  is_automated_campaign: z.boolean().nullable().optional().describe('Stored and returned; informational.'),
  is_performance_plus: z.boolean().optional().describe('Stored and returned; no effect: Loupe has no Performance+ automation.'),
  default_ad_group_budget_in_micro_currency: budgetMicrosSchema
    .nullable()
    .optional()
    .describe('Stored and returned; no effect: it only matters when leaving campaign budget optimization, which Loupe does not have.'),
  is_campaign_budget_optimization: z
    .boolean()
    .nullable()
    .optional()
    .refine((v) => v !== true, {
      message: 'campaign budget optimization is not supported by Loupe; set budget_in_micro_currency on each ad group',
    })
    .describe('Only false or null: Loupe has no campaign budget optimization.'),
  bid_options: unsupportedField('campaign bid multipliers'),
};

/**
 * One item of POST /v5/ad_accounts/{ad_account_id}/campaigns — Pinterest's
 * `CampaignCreateRequest`. `status` defaults to ACTIVE and `start_time` to now, as in
 * Pinterest.
 */
export const campaignCreateItemSchema = z
  .object({
    ...campaignFields,
    status: initialStatusSchema.default('ACTIVE'),
  })
  .strict();
export type CampaignCreateItem = z.infer<typeof campaignCreateItemSchema>;

/**
 * One item of PATCH /v5/ad_accounts/{ad_account_id}/campaigns — Pinterest's
 * `CampaignUpdateRequest`: the campaign's `id` and the fields to change; null clears
 * a nullable field.
 */
export const campaignUpdateItemSchema = z
  .object({
    ...campaignFields,
    id: campaignIdSchema,
    name: objectNameSchema.optional(),
    status: objectStatusSchema.optional(),
    objective_type: objectiveTypeSchema.nullable().optional(),
  })
  .strict();
export type CampaignUpdateItem = z.infer<typeof campaignUpdateItemSchema>;

/** Pinterest's `CampaignResponse`. */
export const campaignSchema = z.object({
  id: idSchema,
  ad_account_id: idSchema,
  name: z.string(),
  status: z.enum(OBJECT_STATUSES),
  objective_type: objectiveTypeSchema,
  daily_spend_cap: z.number().int().nullable(),
  lifetime_spend_cap: z.number().int().nullable(),
  start_time: z.number().int().nullable(),
  end_time: z.number().int().nullable(),
  order_line_id: z.string().nullable(),
  tracking_urls: trackingUrlsSchema.nullable(),
  is_flexible_daily_budgets: z.boolean(),
  is_automated_campaign: z.boolean(),
  is_campaign_budget_optimization: z.boolean(),
  is_performance_plus: z.boolean(),
  default_ad_group_budget_in_micro_currency: z.number().int().nullable(),
  bid_options: z.null(),
  /** The status combined with the schedule: RUNNING, NOT_STARTED, COMPLETED, PAUSED, ARCHIVED or DRAFT. */
  summary_status: z.enum(SUMMARY_STATUSES),
  type: z.literal('campaign'),
  created_time: z.number().int(),
  updated_time: z.number().int(),
});
export type Campaign = z.infer<typeof campaignSchema>;
export const campaignPageSchema = paginated(campaignSchema);
export const campaignBulkResponseSchema = bulkResponse(campaignSchema);

/** GET /v5/ad_accounts/{ad_account_id}/campaigns. */
export const campaignListQuerySchema = paginationQuerySchema.extend({
  campaign_ids: queryList(idSchema),
  entity_statuses: entityStatusesQuery,
  order: orderSchema.optional(),
});
export type CampaignListQuery = z.infer<typeof campaignListQuerySchema>;

export const campaignParamsSchema = z.object({ ad_account_id: idSchema, campaign_id: idSchema });
