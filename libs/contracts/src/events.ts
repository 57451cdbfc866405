import { z } from 'zod';

/**
 * One ad event as it crosses from the API (tracking beacons, the conversions API) to
 * the worker through the `events` queue, and from there into ClickHouse `events`.
 * The one shape both sides use; its fields are the columns of `events`
 * (migrations/clickhouse/0001_events.sql).
 *
 * `event_id` is deterministic, so a retried request, a re-sent beacon or a re-run job
 * produces the same id and the pipeline can drop the copy:
 *   impression  `i:<auction id>:<slot>`
 *   click       `c:<auction id>:<slot>`
 *   engagement  `e:<auction id>:<slot>:<engagement type>`
 *   conversion  `v:<ad account id>:<advertiser's event_id>`
 */
export const AD_EVENT_TYPES = ['IMPRESSION', 'CLICK', 'ENGAGEMENT', 'CONVERSION'] as const;
export type AdEventType = (typeof AD_EVENT_TYPES)[number];

/** Engagements a promoted pin can receive besides the click (Pinterest's vocabulary). */
export const ENGAGEMENT_TYPES = ['SAVE', 'CLOSEUP', 'OUTBOUND_CLICK', 'SHARE'] as const;
export type EngagementType = (typeof ENGAGEMENT_TYPES)[number];

/** Why an event was flagged as invalid traffic (kept, never billed). */
export const IVT_REASONS = [
  'KNOWN_BOT',
  'NO_USER_AGENT',
  'CLICK_WITHOUT_IMPRESSION',
  'CLICK_TOO_FAST',
  'DUPLICATE_CLICK',
  'BURST',
] as const;
export type IvtReason = (typeof IVT_REASONS)[number];

const numericId = z.string().regex(/^\d{1,20}$/, 'must be a numeric string id (0 when none)');
const text = (max: number) => z.string().max(max);

export const adEventSchema = z.object({
  event_id: z.string().min(1).max(300),
  event_type: z.enum(AD_EVENT_TYPES),
  /** ENGAGEMENT only, '' otherwise. */
  engagement_type: z.union([z.enum(ENGAGEMENT_TYPES), z.literal('')]),
  /** When it happened, unix milliseconds (UTC). */
  event_time_ms: z.number().int().min(0),
  ad_account_id: numericId,
  campaign_id: numericId,
  ad_group_id: numericId,
  ad_id: numericId,
  pin_id: numericId,
  auction_id: text(100),
  slot: z.number().int().min(0).max(255),
  placement: text(20),
  /** Opaque hashed user key (the SHA-256 hex the serve request carried); never raw PII. */
  user_id: text(128),
  /** CONVERSION: the click id it reports (`epik`), if any. */
  click_id: text(300),
  /** Charged for this event, integer micros of the account currency; 0 when not billable or IVT. */
  price_micros: z.number().int().min(0),
  /** CONVERSION: order value, integer micros of `currency`. */
  value_micros: z.number().int().min(0),
  currency: text(3),
  /** CONVERSION: checkout, add_to_cart, lead, signup, page_visit, custom, ... */
  conversion_type: text(40),
  ivt: z.boolean(),
  ivt_reason: z.union([z.enum(IVT_REASONS), z.literal('')]),
  age_bucket: text(20),
  gender: text(20),
  location: text(20),
  device: text(40),
  locale: text(20),
  /** The targeted interest the ad matched, '' when it matched without one. */
  interest: text(60),
});
export type AdEvent = z.infer<typeof adEventSchema>;

/**
 * An impression whose every field is empty or zero (ids '0'): the base that events built
 * field by field spread and override (tests; the worker's envelope check). Not valid as
 * it stands only where an id must be non-empty: `event_id`.
 */
export const BLANK_AD_EVENT: Readonly<AdEvent> = Object.freeze({
  event_id: '',
  event_type: 'IMPRESSION',
  engagement_type: '',
  event_time_ms: 0,
  ad_account_id: '0',
  campaign_id: '0',
  ad_group_id: '0',
  ad_id: '0',
  pin_id: '0',
  auction_id: '',
  slot: 0,
  placement: '',
  user_id: '',
  click_id: '',
  price_micros: 0,
  value_micros: 0,
  currency: '',
  conversion_type: '',
  ivt: false,
  ivt_reason: '',
  age_bucket: '',
  gender: '',
  location: '',
  device: '',
  locale: '',
  interest: '',
});

/**
 * The payload of one `events` queue job: the events of one group commit (requests
 * that arrived within a few milliseconds share a job).
 */
export const eventBatchJobSchema = z.object({
  events: z.array(adEventSchema).min(1).max(10_000),
});
export type EventBatchJob = z.infer<typeof eventBatchJobSchema>;

/** A row of `events` is far shorter than this (the fields' own limits add up to under 3,000 characters). */
const MAX_EVENT_ROW_CHARS = 20_000;

/**
 * The payload of one `events` queue job as the API writes it since 2026-12-06 (the lean
 * format; docs/pipeline.md "Job formats"). The API validates each event against
 * adEventSchema and renders its `events` VALUES row once (`eventValuesRow`), so the worker
 * neither parses 26-field objects nor validates and renders them again; it checks each row
 * with `readEventValuesRow`, which accepts only what `eventValuesRow` writes.
 *
 * - `rows`: the VALUES rows, one per event;
 * - `events`: the events the API could not validate or render, as in eventBatchJobSchema,
 *   so that the worker dead-letters them with their reason exactly as before.
 *
 * eventBatchJobSchema jobs (`{events}` alone) are still accepted: jobs queued before an
 * upgrade, and other producers.
 */
export const eventRowsJobSchema = z
  .object({
    rows: z.array(z.string().min(1).max(MAX_EVENT_ROW_CHARS)).max(10_000),
    events: z.array(z.unknown()).max(10_000).optional(),
  })
  .refine((job) => job.rows.length + (job.events?.length ?? 0) > 0, 'a job carries at least one row or event');
export type EventRowsJob = z.infer<typeof eventRowsJobSchema>;

/**
 * The payload of one `rollups` queue job: recompute one UTC hour of one ad account's
 * rollups from the raw events (idempotent; the ingest worker adds one, coalesced,
 * for every hour a committed batch touched).
 */
export const rollupJobSchema = z.object({
  ad_account_id: numericId,
  /** Start of the UTC hour, unix seconds (a multiple of 3600). */
  hour: z.number().int().min(0).multipleOf(3600),
  /** Recompute this many hours from `hour` as one range (history, late batches); one when absent. */
  hours: z.number().int().min(1).max(744).optional(),
});
export type RollupJob = z.infer<typeof rollupJobSchema>;
