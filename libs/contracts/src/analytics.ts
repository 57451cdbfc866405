import { PINTEREST_COLUMN_NAMES, type PinterestColumn } from '@loupe/metrics';
import { z } from 'zod';
import { idSchema, queryList } from './common';

/**
 * Pinterest's synchronous analytics endpoints (`GET /v5/ad_accounts/{id}/analytics`,
 * `.../campaigns/analytics`, `.../ad_groups/analytics`, `.../ads/analytics`): the
 * query strings, as Pinterest names and bounds them.
 */
export const ANALYTICS_GRANULARITIES = ['TOTAL', 'DAY', 'HOUR', 'WEEK', 'MONTH'] as const;
export type AnalyticsGranularity = (typeof ANALYTICS_GRANULARITIES)[number];

export const ATTRIBUTION_WINDOWS = [0, 1, 7, 14, 30, 60] as const;
export type AttributionWindow = (typeof ATTRIBUTION_WINDOWS)[number];
export const CONVERSION_REPORT_TIME_VALUES = ['TIME_OF_AD_ACTION', 'TIME_OF_CONVERSION'] as const;

/** Pinterest's window limits: how far back and how wide a synchronous request may reach. */
export const ANALYTICS_LIMITS = {
  /** Non-HOUR granularities: data from up to this many days before today (UTC), at most this many days per request. */
  maxDaysBack: 90,
  maxRangeDays: 90,
  /** HOUR granularity: data from up to this many days before today (UTC). */
  hourMaxDaysBack: 8,
} as const;

export const localDate = (name: string) =>
  z
    .string({ error: `Parameter '${name}' is required (YYYY-MM-DD)` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `Parameter '${name}' must be a date as YYYY-MM-DD`)
    .refine((v) => {
      const d = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
    }, `Parameter '${name}' is not a calendar date`);

export const windowDays = (name: string, fallback: AttributionWindow) =>
  z.coerce
    .number({ error: `Parameter '${name}' must be one of ${ATTRIBUTION_WINDOWS.join(', ')}` })
    .refine((v): v is AttributionWindow => (ATTRIBUTION_WINDOWS as readonly number[]).includes(v), {
      message: `Parameter '${name}' must be one of ${ATTRIBUTION_WINDOWS.join(', ')}`,
    })
    .default(fallback) as unknown as z.ZodType<AttributionWindow>;

const columnSchema = z.string().refine((c): c is PinterestColumn => (PINTEREST_COLUMN_NAMES as readonly string[]).includes(c), {
  error: (issue) =>
    `Parameter 'columns': ${String(issue.input)} is not a column Loupe reports; supported: ${PINTEREST_COLUMN_NAMES.join(', ')}`,
});

/** A required query-string list (`a,b` or repeated), as `queryList` reads optional ones. */
function requiredList<T extends z.ZodType>(name: string, item: T, max = 250) {
  return z.preprocess(
    (v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).filter((s) => s !== '')),
    z
      .array(item, { error: `Parameter '${name}' is required` })
      .min(1, `Parameter '${name}' needs at least one value`)
      .max(max, `Parameter '${name}' takes at most ${max} values`),
  );
}

const booleanQuery = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean()).default(false);

const analyticsBase = {
  start_date: localDate('start_date'),
  end_date: localDate('end_date'),
  columns: requiredList('columns', columnSchema, 100) as unknown as z.ZodType<PinterestColumn[]>,
  granularity: z.enum(ANALYTICS_GRANULARITIES, { error: `Parameter 'granularity' must be one of ${ANALYTICS_GRANULARITIES.join(', ')}` }),
  click_window_days: windowDays('click_window_days', 30),
  engagement_window_days: windowDays('engagement_window_days', 30),
  view_window_days: windowDays('view_window_days', 1),
  conversion_report_time: z
    .enum(CONVERSION_REPORT_TIME_VALUES, { error: `Parameter 'conversion_report_time' must be one of ${CONVERSION_REPORT_TIME_VALUES.join(', ')}` })
    .default('TIME_OF_AD_ACTION'),
  reporting_timezone: z.enum(['PINTEREST_TIME_ZONE', 'AD_ACCOUNT_TIME_ZONE']).optional(),
};

export const adAccountAnalyticsQuerySchema = z.object(analyticsBase);
export const campaignAnalyticsQuerySchema = z.object({
  ...analyticsBase,
  campaign_ids: requiredList('campaign_ids', idSchema),
  aggregate_report_rows: booleanQuery,
});
export const adGroupAnalyticsQuerySchema = z.object({
  ...analyticsBase,
  ad_group_ids: requiredList('ad_group_ids', idSchema),
  aggregate_report_rows: booleanQuery,
});
export const adAnalyticsQuerySchema = z.object({
  ...analyticsBase,
  ad_ids: queryList(idSchema),
  campaign_ids: queryList(idSchema),
  pin_ids: queryList(idSchema, 100),
});

export type AdAccountAnalyticsQuery = z.infer<typeof adAccountAnalyticsQuerySchema>;
export type CampaignAnalyticsQuery = z.infer<typeof campaignAnalyticsQuerySchema>;
export type AdGroupAnalyticsQuery = z.infer<typeof adGroupAnalyticsQuerySchema>;
export type AdAnalyticsQuery = z.infer<typeof adAnalyticsQuerySchema>;

/**
 * One row of an analytics response: the level's id (absent when rows are aggregated),
 * `DATE` for time granularities (the period's first local day; HOUR rows add `HOUR`,
 * the local hour 0–23), and one number per requested column (null when undefined,
 * e.g. CTR with no impressions).
 */
export const analyticsRowSchema = z
  .object({
    AD_ACCOUNT_ID: idSchema.optional(),
    CAMPAIGN_ID: idSchema.optional(),
    AD_GROUP_ID: idSchema.optional(),
    AD_ID: idSchema.optional(),
    DATE: z.string().optional(),
    HOUR: z.number().int().min(0).max(23).optional(),
  })
  .catchall(z.union([z.number(), z.string(), z.null()]));
export const analyticsResponseSchema = z.array(analyticsRowSchema);
export type AnalyticsRow = z.infer<typeof analyticsRowSchema>;

/* ---------------------------------------------------------------- quarter-over-quarter revenue (Loupe extension) */

export const REVENUE_QUARTERS_MAX = 12;

const quartersQuery = z.coerce
  .number({ error: `Parameter 'quarters' must be an integer from 1 to ${REVENUE_QUARTERS_MAX}` })
  .int(`Parameter 'quarters' must be an integer from 1 to ${REVENUE_QUARTERS_MAX}`)
  .min(1, `Parameter 'quarters' must be an integer from 1 to ${REVENUE_QUARTERS_MAX}`)
  .max(REVENUE_QUARTERS_MAX, `Parameter 'quarters' must be an integer from 1 to ${REVENUE_QUARTERS_MAX}`)
  .default(6);

export const revenueQuartersQuerySchema = z.object({ quarters: quartersQuery });
export type RevenueQuartersQuery = z.infer<typeof revenueQuartersQuerySchema>;
export const crossAccountRevenueQuerySchema = z.object({ quarters: quartersQuery, ad_account_ids: requiredList('ad_account_ids', idSchema, 50) });
export type CrossAccountRevenueQuery = z.infer<typeof crossAccountRevenueQuerySchema>;

const growthPair = z.object({
  /** Against the previous quarter; null when that quarter's value is 0 (no finite rate). */
  qoq: z.number().nullable(),
  /** Against the same quarter a year earlier. */
  yoy: z.number().nullable(),
});

export const revenueQuarterSchema = z.object({
  /** "2026-Q3", cut in the ad account's timezone. */
  quarter: z.string(),
  start_date: z.string(),
  end_date: z.string(),
  /** Spend: the platform's revenue, integer micros of the currency. */
  spend_in_micro_currency: z.number().int(),
  /** Attributed conversion value: the advertiser's revenue. */
  conversion_value_in_micro_currency: z.number().int(),
  roas: z.number().nullable(),
  roi: z.number().nullable(),
  growth: z.object({ spend: growthPair, conversion_value: growthPair, roas: growthPair, roi: growthPair }),
});
export type RevenueQuarter = z.infer<typeof revenueQuarterSchema>;

export const revenueAttributionSchema = z.object({
  click_window_days: z.number().int(),
  view_window_days: z.number().int(),
  conversion_report_time: z.enum(CONVERSION_REPORT_TIME_VALUES),
});

export const accountRevenueSchema = z.object({
  ad_account_id: idSchema,
  currency: z.string(),
  timezone: z.string(),
  attribution: revenueAttributionSchema,
  quarters: z.array(revenueQuarterSchema),
});
export type AccountRevenue = z.infer<typeof accountRevenueSchema>;

export const crossAccountRevenueSchema = z.object({
  accounts: z.array(accountRevenueSchema),
  /** One series per currency over the accounts in it: amounts are never summed across currencies. */
  totals_by_currency: z.array(z.object({ currency: z.string(), ad_account_ids: z.array(idSchema), quarters: z.array(revenueQuarterSchema) })),
});
export type CrossAccountRevenue = z.infer<typeof crossAccountRevenueSchema>;
