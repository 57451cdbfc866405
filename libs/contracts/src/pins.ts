import { z } from 'zod';
import { idSchema, paginated, paginationQuerySchema, unsupportedField } from './common';

/** Pinterest's `CreativeType` (the spec's enum, in its order). */
export const PIN_CREATIVE_TYPES = [
  'REGULAR',
  'VIDEO',
  'SHOPPING',
  'CAROUSEL',
  'MAX_VIDEO',
  'SHOP_THE_PIN',
  'COLLECTION',
  'IDEA',
  'SHOWCASE',
  'QUIZ',
  'COLLAGE',
  'MAX_WIDTH_REGULAR_COLLECTION',
  'MAX_WIDTH_VIDEO_COLLECTION',
] as const;
export const pinCreativeTypeSchema = z.enum(PIN_CREATIVE_TYPES, { error: `must be one of ${PIN_CREATIVE_TYPES.join(', ')}` });
export type PinCreativeType = z.infer<typeof pinCreativeTypeSchema>;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * An absolute http(s) URL of at most `max` characters. Other schemes (javascript:,
 * data:, ftp:) are refused: these URLs end up in front of people who click them.
 */
export function webUrlSchema(max = 2048) {
  return z
    .string({ error: 'must be a URL string' })
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine(isHttpUrl, { message: 'must be an absolute http:// or https:// URL, such as https://example.com/page' });
}

/** Pinterest's `PinMediaSource` discriminator values. */
export const PIN_MEDIA_SOURCE_TYPES = [
  'image_base64',
  'image_url',
  'video_id',
  'multiple_image_base64',
  'multiple_image_urls',
  'pin_url',
] as const;

/**
 * Pinterest's `PinMediaSourceImageURL`, the one media source Loupe takes: Loupe keeps no
 * media storage, so an image is referenced where the advertiser hosts it. The other
 * source types of the spec are refused with a message saying so.
 */
export const pinMediaSourceSchema = z
  .object({
    source_type: z
      .enum(PIN_MEDIA_SOURCE_TYPES, { error: `must be one of ${PIN_MEDIA_SOURCE_TYPES.join(', ')}` })
      .pipe(
        z.literal('image_url', {
          error: 'is not supported: Loupe stores no uploads or videos; host the image and send source_type "image_url" with its url',
        }),
      ),
    url: webUrlSchema(2048),
    /** Accepted for compatibility; every Loupe pin is a standard pin. */
    is_standard: z.boolean().optional(),
  })
  .strict();
export type PinMediaSource = z.infer<typeof pinMediaSourceSchema>;

/** The text fields of a pin: empty strings are stored as null ("no title"). */
function optionalText(max: number) {
  return z
    .string({ error: 'must be a string' })
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullable()
    .optional()
    .transform((v) => (v === undefined || v === null || v === '' ? null : v));
}

/**
 * POST /v5/pins — Pinterest's `PinCreate`. `board_id` is optional in Loupe: without it
 * the pin goes to the business's "Promoted pins" board, created on first use.
 */
export const pinCreateBodySchema = z
  .object({
    title: optionalText(100),
    description: optionalText(800),
    link: webUrlSchema(2048).nullable().optional(),
    alt_text: optionalText(500),
    dominant_color: z
      .string()
      .regex(/^#[0-9A-Fa-f]{6}$/, 'must be a hex color such as #6E7874')
      .nullable()
      .optional(),
    board_id: idSchema.optional(),
    media_source: pinMediaSourceSchema,
    board_section_id: unsupportedField('board sections'),
    parent_pin_id: unsupportedField('saving pins from other pins'),
    sponsor_id: unsupportedField('paid partnerships'),
  })
  .strict();
export type PinCreateBody = z.infer<typeof pinCreateBodySchema>;

/** `ad_account_id` acts for that ad account's business, as in Pinterest's Business Access. */
export const pinCreateQuerySchema = z.object({ ad_account_id: idSchema.optional() });
export type PinCreateQuery = z.infer<typeof pinCreateQuerySchema>;

export const pinIdParamSchema = z.object({ pin_id: idSchema });

/** GET /v5/pins/{pin_id}. `pin_metrics` is accepted; Loupe has no organic pin metrics (pin_metrics is null). */
export const pinGetQuerySchema = z.object({
  ad_account_id: idSchema.optional(),
  pin_metrics: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
});
export type PinGetQuery = z.infer<typeof pinGetQuerySchema>;

/** GET /v5/pins: the pins of the caller's business (or of `ad_account_id`'s business), newest first. */
export const pinListQuerySchema = paginationQuerySchema.extend({ ad_account_id: idSchema.optional() });
export type PinListQuery = z.infer<typeof pinListQuerySchema>;

/** Pinterest's `ImageDetails`. Loupe does not fetch images, so dimensions are unknown (null). */
const imageDetailsSchema = z.object({ url: z.string(), width: z.number().int().nullable(), height: z.number().int().nullable() });

/** Pinterest's `PinMediaWithImage`, keyed by the sizes of `ImageSize`. */
export const pinMediaSchema = z.object({
  media_type: z.literal('image'),
  images: z.object({
    '150x150': imageDetailsSchema,
    '400x300': imageDetailsSchema,
    '600x': imageDetailsSchema,
    '1200x': imageDetailsSchema,
  }),
});

/** Pinterest's `Pin`. */
export const pinSchema = z.object({
  id: idSchema,
  created_at: z.string(),
  link: z.string().nullable(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  alt_text: z.string().nullable(),
  dominant_color: z.string().nullable(),
  board_id: idSchema,
  board_section_id: z.null(),
  board_owner: z.object({ username: z.string() }),
  parent_pin_id: z.null(),
  /** Whether the pin belongs to the caller's own business. */
  is_owner: z.boolean(),
  is_standard: z.literal(true),
  /** Whether an ad promotes (or promoted) the pin. */
  has_been_promoted: z.boolean(),
  creative_type: pinCreativeTypeSchema,
  media: pinMediaSchema,
  pin_metrics: z.null(),
});
export type Pin = z.infer<typeof pinSchema>;
export const pinPageSchema = paginated(pinSchema);

/** The board pins go to when `board_id` is omitted, one per business. */
export const DEFAULT_PROMOTED_PINS_BOARD = 'Promoted pins';
