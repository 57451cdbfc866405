import { z } from 'zod';

/**
 * Pinterest's conversions API (`POST /v5/ad_accounts/{ad_account_id}/events`): the
 * request (`ConversionEvents`) and the answer (`ConversionApiResponse`). Each event is
 * validated on its own so that one bad event fails alone; the route's body schema
 * therefore only checks the envelope, and `conversionEventSchema` is applied per event.
 */

export const CONVERSION_EVENT_NAMES = [
  'add_payment_info',
  'add_to_cart',
  'add_to_wishlist',
  'app_install',
  'checkout',
  'custom',
  'initiate_checkout',
  'lead',
  'page_visit',
  'search',
  'signup',
  'subscribe',
  'view_category',
  'view_content',
  'watch_video',
] as const;
export type ConversionEventName = (typeof CONVERSION_EVENT_NAMES)[number];

/** Loupe's conversion types (the `conversion_type` of an AdEvent and of reports). */
export const CONVERSION_TYPES = ['checkout', 'add_to_cart', 'lead', 'signup', 'page_visit', 'view_category', 'search', 'watch_video', 'app_install', 'custom'] as const;
export type ConversionType = (typeof CONVERSION_TYPES)[number];

/** Pinterest event names without a conversion type of their own are counted under the nearest one. */
export const CONVERSION_TYPE_BY_EVENT_NAME: Record<ConversionEventName, ConversionType> = {
  checkout: 'checkout',
  add_to_cart: 'add_to_cart',
  lead: 'lead',
  signup: 'signup',
  subscribe: 'signup',
  page_visit: 'page_visit',
  view_content: 'page_visit',
  view_category: 'view_category',
  search: 'search',
  watch_video: 'watch_video',
  custom: 'custom',
  add_payment_info: 'custom',
  add_to_wishlist: 'custom',
  app_install: 'app_install',
  initiate_checkout: 'custom',
};

export const ACTION_SOURCES = ['app_android', 'app_ios', 'web', 'offline'] as const;

export const CONVERSION_EVENTS_MAX = 1000;

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** One SHA-256 hash; a plain-text value (an email, a phone number) is refused, not hashed for the caller. */
const sha256 = z.string().regex(SHA256_HEX, {
  error: (issue) =>
    typeof issue.input === 'string' && issue.input.includes('@')
      ? 'looks like a plain-text email; send the SHA-256 hex digest of the lowercased email instead'
      : 'must be a SHA-256 hash (64 hexadecimal characters)',
});
const hashes = z.array(sha256).min(1, 'must hold at least one hash').max(100, 'must hold at most 100 hashes');
const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);

/** ISO 4217 codes as the runtime knows them (ICU), e.g. USD, EUR, JPY. */
const ISO_4217 = new Set(Intl.supportedValuesOf('currency'));
export const iso4217Schema = z
  .string()
  .max(3, 'must be an ISO 4217 currency code (3 letters)')
  .refine((c) => ISO_4217.has(c), { error: 'must be an ISO 4217 currency code such as USD or EUR' });

/** A decimal amount as Pinterest takes it (a string, e.g. "12.34"), below one billion units so its micros stay exact integers; parsed without floats. */
export const DECIMAL_VALUE = /^(0|[1-9]\d{0,8})(\.\d{1,6})?$/;

export const conversionUserDataSchema = z
  .object({
    em: hashes.optional(),
    ph: hashes.optional(),
    ge: hashes.optional(),
    db: hashes.optional(),
    ln: hashes.optional(),
    fn: hashes.optional(),
    ct: hashes.optional(),
    st: hashes.optional(),
    zp: hashes.optional(),
    country: hashes.optional(),
    external_id: hashes.optional(),
    hashed_maids: hashes.optional(),
    /** The `epik` Loupe appended to the click's landing URL. */
    click_id: text(256).optional(),
    partner_id: text(256).optional(),
    client_ip_address: text(45).optional(),
    client_user_agent: text(1024).optional(),
  })
  .strict()
  .refine((u) => u.em !== undefined || u.hashed_maids !== undefined || (u.client_ip_address !== undefined && u.client_user_agent !== undefined), {
    error: 'needs at least one of em, hashed_maids, or client_ip_address together with client_user_agent',
  });

const contentSchema = z
  .object({
    id: text(256).optional(),
    item_brand: text(256).optional(),
    item_category: text(256).optional(),
    item_name: text(256).optional(),
    item_price: z.string().regex(DECIMAL_VALUE, 'must be a decimal amount such as "14.99"').optional(),
    quantity: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();

export const conversionCustomDataSchema = z
  .object({
    /** Defaults to the ad account's currency, as Pinterest. */
    currency: iso4217Schema.optional(),
    value: z.string().regex(DECIMAL_VALUE, 'must be a non-negative decimal amount with at most 6 decimals, as a string such as "12.34"').optional(),
    content_ids: z.array(text(256)).max(1000, 'must hold at most 1000 ids').optional(),
    content_name: text(256).optional(),
    content_category: text(256).optional(),
    content_brand: text(256).optional(),
    contents: z.array(contentSchema).max(1000, 'must hold at most 1000 items').optional(),
    num_items: z.number().int().min(0).max(1_000_000).optional(),
    order_id: text(256).optional(),
    search_string: text(1024).optional(),
    opt_out_type: text(256).optional(),
    np: text(64).optional(),
    predicted_ltv: z.string().regex(DECIMAL_VALUE, 'must be a decimal amount such as "120.50"').optional(),
    external_measurement_id: text(256).optional(),
    external_measurement_vendor_id: z.number().int().min(0).optional(),
  })
  .strict();

const loose = z.record(z.string().max(100), z.union([z.string().max(256), z.number(), z.boolean(), z.null()]));

export const conversionEventSchema = z
  .object({
    event_name: z.enum(CONVERSION_EVENT_NAMES, { error: `must be one of ${CONVERSION_EVENT_NAMES.join(', ')}` }),
    action_source: z.enum(ACTION_SOURCES, { error: `must be one of ${ACTION_SOURCES.join(', ')}` }),
    /** Unix seconds; no older than 7 days and not in the future (checked against the clock). */
    event_time: z.number().int('must be whole unix seconds').min(0),
    /** The advertiser's id of the event: resends with the same id count once. */
    event_id: z.string().min(1, 'is required').max(256, 'must be at most 256 characters'),
    user_data: conversionUserDataSchema,
    custom_data: conversionCustomDataSchema.optional(),
    event_source_url: text(2048).nullable().optional(),
    opt_out: z.boolean().optional(),
    partner_name: text(256).nullable().optional(),
    app_id: text(256).nullable().optional(),
    app_name: text(256).nullable().optional(),
    app_version: text(64).nullable().optional(),
    app_info: loose.optional(),
    device_brand: text(256).nullable().optional(),
    device_carrier: text(256).nullable().optional(),
    device_model: text(256).nullable().optional(),
    device_type: text(256).nullable().optional(),
    device_info: loose.optional(),
    os_version: text(64).nullable().optional(),
    wifi: z.boolean().nullable().optional(),
    language: text(8).nullable().optional(),
  })
  .strict();
export type ConversionEvent = z.infer<typeof conversionEventSchema>;

/**
 * POST body: `{data: [...]}` with 1 to 1000 events. Items are documented with the
 * event schema but accepted as anything here, so that an invalid event fails alone
 * (validated one by one with `conversionEventSchema`).
 */
export const conversionEventsBodySchema = z
  .object({
    data: z
      .array(z.union([conversionEventSchema, z.unknown().meta({ description: 'Any other item is answered as a failed event with its error message.' })]))
      .min(1, 'send at least one event')
      .max(CONVERSION_EVENTS_MAX, `send at most ${CONVERSION_EVENTS_MAX} events`),
  })
  .strict();
export type ConversionEventsBody = z.infer<typeof conversionEventsBodySchema>;

export const conversionEventsQuerySchema = z.object({
  /** Pinterest's test mode: validate and answer as usual, store nothing. */
  test: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .optional()
    .transform((v) => v === 'true'),
});
export type ConversionEventsQuery = z.infer<typeof conversionEventsQuerySchema>;

export const conversionEventResultSchema = z.object({
  status: z.enum(['processed', 'failed']),
  error_message: z.string().nullable(),
  warning_message: z.string().nullable(),
});
export type ConversionEventResult = z.infer<typeof conversionEventResultSchema>;

/** Pinterest's `ConversionApiResponse`: per-event results in the order received. */
export const conversionApiResponseSchema = z.object({
  num_events_received: z.number().int(),
  num_events_processed: z.number().int(),
  events: z.array(conversionEventResultSchema),
});
export type ConversionApiResponse = z.infer<typeof conversionApiResponseSchema>;

/**
 * A decimal string ("12.34") as integer micros (12_340_000), by string arithmetic so no
 * float ever rounds it. The string must already match DECIMAL_VALUE.
 */
export function decimalToMicros(value: string): number {
  const [units, fraction = ''] = value.split('.');
  return Number(units) * 1_000_000 + Number(fraction.padEnd(6, '0'));
}
