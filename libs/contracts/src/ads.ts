import { z } from 'zod';
import {
  entityStatusesQuery,
  initialStatusSchema,
  OBJECT_NAME_MAX,
  OBJECT_STATUSES,
  objectStatusSchema,
  trackingUrlsSchema,
} from './campaigns';
import { bulkResponse, idSchema, orderSchema, paginated, paginationQuerySchema, queryList, unsupportedField } from './common';
import { pinCreativeTypeSchema, webUrlSchema } from './pins';

/** Pinterest's ad `review_status`. */
export const AD_REVIEW_STATUSES = ['OTHER', 'PENDING', 'REJECTED', 'APPROVED'] as const;
export type AdReviewStatus = (typeof AD_REVIEW_STATUSES)[number];

/** Pinterest's `PinPromotionSummaryStatus`. */
export const AD_SUMMARY_STATUSES = ['APPROVED', 'PAUSED', 'PENDING', 'REJECTED', 'ADVERTISER_DISABLED', 'ARCHIVED', 'DRAFT', 'DELETED_DRAFT'] as const;
export type AdSummaryStatus = (typeof AD_SUMMARY_STATUSES)[number];

/** Pinterest's `rejected_reasons` enum (ad disapproval reasons). */
export const AD_REJECTED_REASONS = [
  'HASHTAGS', 'PROMOTIONS_AND_PRICES', 'TARGETING', 'LANDING_PAGE', 'CAPS_AND_SYMBOLS', 'SHOCKING', 'WEIGHT_LOSS',
  'PROHIBITED_PRODUCT', 'AUTHENTICITY', 'NUDITY', 'CONFUSING_DESIGN', 'URGENCY', 'RATINGS', 'APP', 'ALCOHOL', 'CONTESTS',
  'POLITICAL', 'OTHER', 'IMAGE', 'NAR', 'INCONSISTENT', 'CLICKBAIT', 'NO_DESCRIPTION', 'LOW_QUALITY', 'EXAGGERATED_CLAIMS',
  'PINTEREST_BRAND', 'ALCOHOL_NO_SALE', 'LANDING_PAGE_SPEED', 'LANDING_PAGE_HARDWALL', 'LANDING_PAGE_BROKEN',
  'LANDING_PAGE_QUALITY', 'OUT_OF_STOCK', 'IMAGE_LOW_QUALITY', 'IMAGE_BUSY', 'IMAGE_POORLY_EDITED', 'IMAGE_BEFORE_AFTER', 'UGC',
  'FAKE_BUTTONS', 'WEAPONS', 'SENSITIVE', 'UNACCEPTABLE_BUSINESS', 'SUSPICIOUS_CLAIMS', 'PHARMA', 'SUSPICIOUS_SUPPLEMENTS',
  'ILLEGAL_RECREATIONAL_DRUG', 'LOW_QUALITY_LANDING_PAGE', 'RESTRICTED_HEALTHCARE', 'INCONSISTENT_LANG_FR',
] as const;
export type AdRejectedReason = (typeof AD_REJECTED_REASONS)[number];

/** Pinterest's `CustomizableCTAType`. */
export const AD_CTA_TYPES = [
  'GET_OFFER', 'LEARN_MORE', 'ORDER_NOW', 'SHOP_NOW', 'SIGN_UP', 'SUBSCRIBE', 'BUY_NOW', 'CONTACT_US', 'GET_QUOTE', 'VISIT_SITE',
  'APPLY_NOW', 'BOOK_NOW', 'REQUEST_DEMO', 'REGISTER_NOW', 'FIND_A_DEALER', 'ADD_TO_CART', 'WATCH_NOW', 'READ_MORE', 'BUY_TICKETS',
  'DONATE_NOW', 'DOWNLOAD', 'EXPLORE_MORE', 'FIND_A_LOCATION', 'GET_DEAL', 'GET_RECIPE', 'GET_SHOWTIMES', 'ON_SALE', 'PLAY_GAME', 'TRY_IT',
] as const;
export type AdCtaType = (typeof AD_CTA_TYPES)[number];

/** Pinterest accepts ad group ids with an "AG" prefix; the prefix is dropped. */
const adGroupIdSchema = z
  .string({ error: 'must be a numeric string id' })
  .regex(/^(AG)?\d{1,18}$/, 'must be a numeric string id')
  .transform((v) => v.replace(/^AG/, ''));

const nullableUrl = webUrlSchema(2048).nullable().optional();
/** App deep links use app schemes (myapp://…), so they are not limited to http(s). */
const deepLink = z.string().trim().min(1).max(2048, 'must be at most 2048 characters').nullable().optional();

/**
 * Only REGULAR (image) promoted pins: Loupe serves images, not videos, carousels,
 * collections or quizzes.
 */
const creativeType = pinCreativeTypeSchema.pipe(
  z.literal('REGULAR', { error: 'is not supported: Loupe serves image promoted pins only (creative_type REGULAR)' }),
);

/** The fields of Pinterest's `AdCommon` that Loupe stores, all optional (create adds the required ones). */
const adCommonFields = {
  ad_group_id: adGroupIdSchema,
  creative_type: creativeType,
  /** Optional for ads (unlike campaigns and ad groups); the spec's bound of 255 characters. */
  name: z
    .string({ error: 'must be a string' })
    .trim()
    .max(OBJECT_NAME_MAX, `must be at most ${OBJECT_NAME_MAX} characters`)
    .nullable()
    .transform((v) => (v === '' ? null : v)),
  status: objectStatusSchema,
  destination_url: nullableUrl,
  click_tracking_url: nullableUrl,
  view_tracking_url: nullableUrl,
  tracking_urls: trackingUrlsSchema.nullable().optional(),
  android_deep_link: deepLink,
  ios_deep_link: deepLink,
  customizable_cta_type: z.enum(AD_CTA_TYPES, { error: `must be one of ${AD_CTA_TYPES.join(', ')}` }).nullable().optional(),
  /** Read-only in Pinterest's API ("values provided will be ignored"); accepted and ignored. */
  grid_click_type: z.enum(['CLOSEUP', 'DIRECT_TO_DESTINATION']).nullable().optional(),
  /** Read-only; accepted so a Pinterest response can be sent back, and ignored. */
  is_pin_deleted: z.boolean().optional(),
  is_removable: z.boolean().optional(),
  carousel_android_deep_links: unsupportedField('carousel ads'),
  carousel_destination_urls: unsupportedField('carousel ads'),
  carousel_ios_deep_links: unsupportedField('carousel ads'),
  disclosure_type: unsupportedField('pharmaceutical disclosures'),
  disclosure_url: unsupportedField('pharmaceutical disclosures'),
  lead_form_id: unsupportedField('lead ads'),
  quiz_pin_data: unsupportedField('quiz ads'),
};

/**
 * One item of POST /v5/ad_accounts/{ad_account_id}/ads — Pinterest's `AdCreateRequest`.
 * `status` defaults to ACTIVE, as in Pinterest.
 */
export const adCreateItemSchema = z
  .object({
    ...adCommonFields,
    pin_id: idSchema,
    name: adCommonFields.name.optional(),
    status: initialStatusSchema.default('ACTIVE'),
  })
  .strict();
export type AdCreateItem = z.infer<typeof adCreateItemSchema>;

/**
 * One item of PATCH /v5/ad_accounts/{ad_account_id}/ads — Pinterest's `AdUpdateRequest`:
 * the ad's `id` and the fields to change. `pin_id` may change only while the ad is a DRAFT.
 */
export const adUpdateItemSchema = z
  .object({
    ...adCommonFields,
    id: idSchema,
    ad_group_id: adCommonFields.ad_group_id.optional(),
    creative_type: creativeType.optional(),
    name: adCommonFields.name.optional(),
    status: objectStatusSchema.optional(),
    pin_id: idSchema.nullable().optional(),
  })
  .strict();
export type AdUpdateItem = z.infer<typeof adUpdateItemSchema>;

/** Pinterest's `AdResponse`. */
export const adSchema = z.object({
  id: idSchema,
  ad_account_id: idSchema,
  campaign_id: idSchema,
  ad_group_id: idSchema,
  pin_id: idSchema,
  type: z.literal('pinpromotion'),
  name: z.string().nullable(),
  creative_type: pinCreativeTypeSchema,
  status: z.enum(OBJECT_STATUSES),
  destination_url: z.string().nullable(),
  click_tracking_url: z.string().nullable(),
  view_tracking_url: z.string().nullable(),
  tracking_urls: trackingUrlsSchema.nullable(),
  android_deep_link: z.string().nullable(),
  ios_deep_link: z.string().nullable(),
  customizable_cta_type: z.enum(AD_CTA_TYPES).nullable(),
  grid_click_type: z.literal('DIRECT_TO_DESTINATION'),
  is_pin_deleted: z.boolean(),
  is_removable: z.boolean(),
  carousel_android_deep_links: z.null(),
  carousel_destination_urls: z.null(),
  carousel_ios_deep_links: z.null(),
  collection_items_destination_url_template: z.null(),
  disclosure_type: z.null(),
  disclosure_url: z.null(),
  lead_form_id: z.null(),
  quiz_pin_data: z.null(),
  /** PENDING until Loupe's automatic policy check has run (drafts are not submitted), then APPROVED or REJECTED. */
  review_status: z.enum(AD_REVIEW_STATUSES),
  rejected_reasons: z.array(z.enum(AD_REJECTED_REASONS)),
  rejection_labels: z.array(z.string()),
  summary_status: z.enum(AD_SUMMARY_STATUSES),
  created_time: z.number().int(),
  updated_time: z.number().int(),
});
export type Ad = z.infer<typeof adSchema>;
export const adPageSchema = paginated(adSchema);
export const adBulkResponseSchema = bulkResponse(adSchema);

/** GET /v5/ad_accounts/{ad_account_id}/ads. `entity_statuses` defaults to ACTIVE and PAUSED, as in Pinterest. */
export const adListQuerySchema = paginationQuerySchema.extend({
  campaign_ids: queryList(idSchema),
  ad_group_ids: queryList(idSchema),
  ad_ids: queryList(idSchema),
  entity_statuses: entityStatusesQuery,
  order: orderSchema.optional(),
});
export type AdListQuery = z.infer<typeof adListQuerySchema>;

export const adParamsSchema = z.object({ ad_account_id: idSchema, ad_id: idSchema });
