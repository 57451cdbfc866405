import { LOUPE_METRIC_NAMES, PINTEREST_COLUMN_NAMES, type LoupeMetric, type PinterestColumn } from '@loupe/metrics';
import { z } from 'zod';
import { ANALYTICS_GRANULARITIES, CONVERSION_REPORT_TIME_VALUES, localDate, windowDays } from './analytics';
import { idSchema } from './common';

/* ---------------------------------------------------------------- report builder (Loupe extension) */

export const ENTITY_DIMENSIONS = ['ad_account', 'campaign', 'ad_group', 'ad'] as const;
export const TIME_DIMENSIONS = ['date', 'week', 'month', 'quarter'] as const;
/** Columns of the raw events a report can be cut by (placement and targeting). */
export const SEGMENT_REPORT_DIMENSIONS = ['placement', 'age_bucket', 'gender', 'location', 'device', 'interest'] as const;
export const REPORT_DIMENSIONS = [...ENTITY_DIMENSIONS, ...TIME_DIMENSIONS, ...SEGMENT_REPORT_DIMENSIONS] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];
export type SegmentReportDimension = (typeof SEGMENT_REPORT_DIMENSIONS)[number];

/** Limits of one report builder query. */
export const REPORT_LIMITS = { maxAccounts: 50, maxRangeDays: 732, pageSizeDefault: 100, pageSizeMax: 1000 } as const;

const metricSchema = z.string().refine((m): m is LoupeMetric => (LOUPE_METRIC_NAMES as readonly string[]).includes(m), {
  error: (issue) => `'${String(issue.input)}' is not a Loupe metric; supported: ${LOUPE_METRIC_NAMES.join(', ')}`,
}) as unknown as z.ZodType<LoupeMetric>;
const segmentValues = z.array(z.string().min(1).max(200)).min(1).max(250);

export const reportFiltersSchema = z
  .object({
    campaign_ids: z.array(idSchema).min(1).max(250).optional(),
    ad_group_ids: z.array(idSchema).min(1).max(250).optional(),
    ad_ids: z.array(idSchema).min(1).max(250).optional(),
    placement: segmentValues.optional(),
    age_bucket: segmentValues.optional(),
    gender: segmentValues.optional(),
    location: segmentValues.optional(),
    device: segmentValues.optional(),
    interest: segmentValues.optional(),
  })
  .strict();
export type ReportFilters = z.infer<typeof reportFiltersSchema>;

/** What a report asks: shared by the query route and saved reports. */
export const reportDefinitionSchema = z
  .object({
    ad_account_ids: z.array(idSchema).min(1).max(REPORT_LIMITS.maxAccounts),
    start_date: localDate('start_date'),
    end_date: localDate('end_date'),
    dimensions: z.array(z.enum(REPORT_DIMENSIONS)).max(6).default([]),
    metrics: z.array(metricSchema).min(1, 'metrics needs at least one metric').max(LOUPE_METRIC_NAMES.length),
    filters: reportFiltersSchema.default({}),
    click_window_days: windowDays('click_window_days', 30),
    view_window_days: windowDays('view_window_days', 1),
    conversion_report_time: z.enum(CONVERSION_REPORT_TIME_VALUES).default('TIME_OF_AD_ACTION'),
    /** A metric or a dimension of the report; rows are then ordered by the dimensions. */
    sort: z
      .object({ by: z.string().min(1), order: z.enum(['ASCENDING', 'DESCENDING']).default('DESCENDING') })
      .strict()
      .optional(),
  })
  .strict();
export type ReportDefinition = z.infer<typeof reportDefinitionSchema>;

export const reportQueryBodySchema = reportDefinitionSchema.extend({
  page_size: z.number().int().min(1).max(REPORT_LIMITS.pageSizeMax).default(REPORT_LIMITS.pageSizeDefault),
  bookmark: z.string().max(200).optional(),
});
export type ReportQueryBody = z.infer<typeof reportQueryBodySchema>;

/** A cell: ids and labels as strings, counts as numbers, money in integer micros, ratios as numbers, null when undefined. */
const cell = z.union([z.string(), z.number(), z.null()]);

export const reportColumnSchema = z.object({
  name: z.string(),
  role: z.enum(['dimension', 'metric']),
  /** string | id | date | count | money_micros | ratio. */
  type: z.string(),
});

export const reportResponseSchema = z.object({
  columns: z.array(reportColumnSchema),
  /** Each row: `ad_account_id`? + dimensions + `currency` + metrics, named as in `columns`. */
  rows: z.array(z.record(z.string(), cell)),
  /** One totals row per currency: base measures summed over every row (all pages) in it, then metrics. */
  totals: z.array(z.object({ currency: z.string(), ad_account_ids: z.array(idSchema), metrics: z.record(z.string(), cell) })),
  bookmark: z.string().nullable(),
  total_rows: z.number().int(),
  metadata: z.object({
    start_date: z.string(),
    end_date: z.string(),
    accounts: z.array(z.object({ ad_account_id: idSchema, currency: z.string(), timezone: z.string() })),
    attribution: z.object({ click_window_days: z.number(), view_window_days: z.number(), conversion_report_time: z.string() }),
    notes: z.array(z.string()),
  }),
});
export type ReportResponse = z.infer<typeof reportResponseSchema>;

/* ---------------------------------------------------------------- saved reports (Loupe extension) */

export const savedReportIdParamSchema = z.object({ ad_account_id: idSchema, saved_report_id: idSchema });

export const savedReportCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    definition: reportDefinitionSchema,
    shared_with_user_ids: z.array(idSchema).max(100).default([]),
    /** Shared with every member of the home account who may read analytics. */
    shared_with_account: z.boolean().default(false),
  })
  .strict();
export const savedReportUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    definition: reportDefinitionSchema.optional(),
    shared_with_user_ids: z.array(idSchema).max(100).optional(),
    shared_with_account: z.boolean().optional(),
  })
  .strict();
export type SavedReportCreate = z.infer<typeof savedReportCreateSchema>;
export type SavedReportUpdate = z.infer<typeof savedReportUpdateSchema>;

export const savedReportSchema = z.object({
  id: idSchema,
  ad_account_id: idSchema,
  name: z.string(),
  owner_user_id: idSchema,
  shared_with_user_ids: z.array(idSchema),
  shared_with_account: z.boolean(),
  definition: reportDefinitionSchema,
  created_time: z.number().int(),
  updated_time: z.number().int(),
});
export type SavedReport = z.infer<typeof savedReportSchema>;
export const savedReportListSchema = z.object({ items: z.array(savedReportSchema) });
export const savedReportRunBodySchema = z.object({ page_size: reportQueryBodySchema.shape.page_size, bookmark: z.string().max(200).optional() }).strict();

/* ---------------------------------------------------------------- async reports (Pinterest) */

export const ASYNC_REPORT_LEVELS = ['ADVERTISER', 'CAMPAIGN', 'AD_GROUP', 'PIN_PROMOTION'] as const;
export const ASYNC_REPORT_STATUSES = ['DOES_NOT_EXIST', 'FINISHED', 'IN_PROGRESS', 'EXPIRED', 'FAILED', 'CANCELLED'] as const;
export type AsyncReportStatus = (typeof ASYNC_REPORT_STATUSES)[number];
/** Pinterest's async limits: up to 914 days back, 186 days per report (HOUR: 8 days back, 3 days per report). */
export const ASYNC_REPORT_LIMITS = { maxDaysBack: 914, maxRangeDays: 186, hourMaxDaysBack: 8, hourMaxRangeDays: 3 } as const;

const asyncColumnSchema = z.string().refine((c): c is PinterestColumn => (PINTEREST_COLUMN_NAMES as readonly string[]).includes(c), {
  error: (issue) => `'${String(issue.input)}' is not a column Loupe reports; supported: ${PINTEREST_COLUMN_NAMES.join(', ')}`,
}) as unknown as z.ZodType<PinterestColumn>;
const idList = (max: number) => z.array(idSchema).min(1).max(max).optional();

export const asyncReportCreateSchema = z.object({
  start_date: localDate('start_date'),
  end_date: localDate('end_date'),
  granularity: z.enum(ANALYTICS_GRANULARITIES),
  columns: z.array(asyncColumnSchema).min(1).max(PINTEREST_COLUMN_NAMES.length),
  level: z.enum(ASYNC_REPORT_LEVELS, { error: `Parameter 'level' must be one of ${ASYNC_REPORT_LEVELS.join(', ')} (Loupe's levels)` }),
  report_format: z.enum(['JSON', 'CSV']).default('JSON'),
  click_window_days: windowDays('click_window_days', 30),
  engagement_window_days: windowDays('engagement_window_days', 30),
  view_window_days: windowDays('view_window_days', 1),
  conversion_report_time: z.enum(CONVERSION_REPORT_TIME_VALUES).default('TIME_OF_AD_ACTION'),
  campaign_ids: idList(250),
  ad_group_ids: idList(250),
  ad_ids: idList(500),
  reporting_timezone: z.enum(['PINTEREST_TIME_ZONE', 'AD_ACCOUNT_TIME_ZONE']).optional(),
  /** Pinterest's conversion attribution types: Loupe attributes clicks and views, so this list is accepted and does not change the report. */
  attribution_types: z.array(z.enum(['INDIVIDUAL', 'HOUSEHOLD'])).max(2).optional(),
}).strict();
export type AsyncReportCreate = z.infer<typeof asyncReportCreateSchema>;
export const asyncReportCreateResponseSchema = z.object({ report_status: z.enum(ASYNC_REPORT_STATUSES), token: z.string(), message: z.string().nullable() });
export const asyncReportQuerySchema = z.object({ token: z.string({ error: "Parameter 'token' is required" }).min(1).max(100) });
export const asyncReportGetResponseSchema = z.object({
  report_status: z.enum(ASYNC_REPORT_STATUSES),
  url: z.string().nullable(),
  size: z.number().nullable(),
  /**
   * Loupe extension (Pinterest's object allows extra fields): how far the job has got, 0–100
   * (0 while queued, the worker's `job.progress` while building, 100 when FINISHED); null
   * when there is no job to measure (DOES_NOT_EXIST, FAILED, EXPIRED).
   */
  progress: z.number().int().min(0).max(100).nullable(),
});
export type AsyncReportGetResponse = z.infer<typeof asyncReportGetResponseSchema>;
export const reportFileParamSchema = z.object({ file_token: z.string().min(1).max(100) });

/** What the reports queue's job carries (the API validated it). */
export interface AsyncReportJob {
  adAccountId: string;
  timezone: string;
  currency: string;
  request: AsyncReportCreate;
  requestedBy: string;
}

/** What a finished reports job returns (BullMQ keeps it with the job; the status route reads it). */
export interface AsyncReportJobResult {
  format: 'JSON' | 'CSV';
  size: number;
  rows: number;
  /** Unix ms; the file expires REPORTS_FILE_TTL_SECONDS after. */
  finishedAt: number;
}
