import { z } from 'zod';
import { billableEventSchema } from './ad-groups';
import { idSchema } from './common';

/*
 * The ad server's contracts (Loupe extensions): POST /internal/serve, called by the
 * publisher's ad client with the service key, and the delivery diagnostics that explain
 * an ad group's wins and losses to its advertiser.
 */

/** Where the ads will be shown: a concrete placement (an ad group's ALL matches each). */
export const SERVE_PLACEMENTS = ['BROWSE', 'SEARCH', 'OTHER'] as const;
export const servePlacementSchema = z.enum(SERVE_PLACEMENTS, { error: 'must be BROWSE, SEARCH or OTHER' });

export const SERVE_SLOTS_MAX = 10;

const segment = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

/** Who the ads are for. Every field but `id` is optional: an unknown segment matches only untargeted ad groups. */
export const serveUserSchema = z
  .object({
    /** Opaque, already-hashed user key (frequency caps and attribution count per key). */
    id: z.string().trim().min(1, 'is required (an opaque hashed user key)').max(128, 'must be at most 128 characters'),
    interests: z.array(segment(64)).max(100, 'must hold at most 100 interests').default([]),
    /** The search query (SEARCH placements); `query` is accepted as an alias. */
    keywords: segment(500).optional(),
    query: segment(500).optional(),
    /** Country ("US") or country-region ("US-CA"). */
    location: segment(16).optional(),
    age_bucket: segment(16).optional(),
    gender: segment(16).optional(),
    /** App type (Pinterest's APPTYPE values: iphone, android_mobile, web, …); `app_type` is an alias. */
    device: segment(32).optional(),
    app_type: segment(32).optional(),
    locale: segment(16).optional(),
  })
  .strict();
export type ServeUser = z.infer<typeof serveUserSchema>;

/** POST /internal/serve. */
export const serveBodySchema = z
  .object({
    placement: servePlacementSchema,
    slots: z.number().int('must be an integer').min(1, 'must be at least 1').max(SERVE_SLOTS_MAX, `must be at most ${SERVE_SLOTS_MAX}`).default(1),
    user: serveUserSchema,
  })
  .strict();
export type ServeBody = z.infer<typeof serveBodySchema>;

export const servedPinSchema = z.object({
  id: idSchema,
  title: z.string().nullable(),
  description: z.string().nullable(),
  image_url: z.string(),
  /** The ad's destination URL, else the pin's link. */
  link: z.string().nullable(),
});

export const servedAdSchema = z.object({
  slot: z.number().int(),
  ad_id: idSchema,
  ad_group_id: idSchema,
  campaign_id: idSchema,
  ad_account_id: idSchema,
  pin: servedPinSchema,
  billable_event: billableEventSchema,
  /** The clearing price per billable event (one impression, or one click), integer micros of `currency`. */
  price_micro_currency: z.number().int(),
  currency: z.string(),
  /** Signed beacon to call when the ad is shown; charges the price for IMPRESSION billing. */
  impression_url: z.string(),
  /** Signed click URL: redirects to the destination; charges the price for CLICKTHROUGH billing. */
  click_url: z.string(),
  /** Signed engagement URL (POST save, close-up, outbound click, share). */
  engagement_url: z.string(),
});
export type ServedAd = z.infer<typeof servedAdSchema>;

export const serveResponseSchema = z.object({
  auction_id: z.string(),
  ads: z.array(servedAdSchema),
});
export type ServeResponse = z.infer<typeof serveResponseSchema>;

/** Why an ad group did not win a slot (DESIGN.md §4). */
export const LOSS_REASONS = ['TARGETING', 'BUDGET', 'PACING', 'FREQUENCY_CAP', 'BELOW_FLOOR', 'OUTRANKED'] as const;
export const lossReasonSchema = z.enum(LOSS_REASONS);
export type LossReasonName = (typeof LOSS_REASONS)[number];

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'must be a real date');

/** Days one diagnostics request may cover (counters are kept 35 days). */
export const DIAGNOSTICS_DAYS_MAX = 31;

export const deliveryDiagnosticsQuerySchema = z
  .object({ start_date: isoDate, end_date: isoDate })
  .strict()
  .refine((q) => q.start_date <= q.end_date, { message: 'end_date must not be before start_date', path: ['end_date'] })
  .refine((q) => (Date.parse(q.end_date) - Date.parse(q.start_date)) / 86_400_000 < DIAGNOSTICS_DAYS_MAX, {
    message: `the range may cover at most ${DIAGNOSTICS_DAYS_MAX} days`,
    path: ['end_date'],
  });
export type DeliveryDiagnosticsQuery = z.infer<typeof deliveryDiagnosticsQuerySchema>;

export const deliveryDiagnosticsDaySchema = z.object({
  /** The ad account's local date. */
  date: z.string(),
  auctions_entered: z.number().int(),
  auctions_won: z.number().int(),
  auctions_lost: z.number().int(),
  lost_by_reason: z.record(lossReasonSchema, z.number().int()),
  /**
   * The bid (in `bid_in_micro_currency` units: CPM for IMPRESSION, CPC for CLICKTHROUGH)
   * that would have won the auctions lost to competitors or to the floor: median and 75th
   * percentile, null without such losses.
   */
  min_bid_to_win_micro_currency: z.object({ median: z.number().int().nullable(), p75: z.number().int().nullable() }),
  /**
   * True when some of the day's losses other than TARGETING were counted from a weighted
   * sample of auctions (an API process serving more than 200 auctions a second counts the
   * losers of a sample of them): those counts are estimates, not exact.
   */
  loss_counts_sampled: z.boolean(),
});

export const deliveryDiagnosticsSchema = z.object({
  ad_group_id: idSchema,
  ad_account_id: idSchema,
  billable_event: billableEventSchema,
  current_bid_in_micro_currency: z.number().int().nullable(),
  currency: z.string(),
  days: z.array(deliveryDiagnosticsDaySchema),
  /** TARGETING losses are sampled (1 auction in `targeting_sample_rate`) and scaled up. */
  targeting_sample_rate: z.number().int(),
  /** What would most likely raise delivery, in plain language. */
  suggestion: z.string(),
});
export type DeliveryDiagnostics = z.infer<typeof deliveryDiagnosticsSchema>;
