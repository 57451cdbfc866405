import { z } from 'zod';

/** Pinterest ids are numeric strings (bigint in Postgres). */
export const idSchema = z.string().regex(/^\d{1,18}$/, 'must be a numeric string id');
export type Id = z.infer<typeof idSchema>;

/** Query-string lists arrive as `a,b` or repeated `?x=a&x=b`; both become an array. */
export function queryList<T extends z.ZodType>(item: T, max = 250) {
  return z.preprocess(
    (v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).filter((s) => s !== '')),
    z.array(item).min(1).max(max).optional(),
  );
}

/** Integer micro-currency (1 unit = 1,000,000 micros). Never a float. */
export function microsSchema(maxUnits: number) {
  return z
    .number({ error: 'must be an integer amount in micro-currency' })
    .int('must be an integer amount in micro-currency (1 unit = 1,000,000)')
    .min(0, 'must not be negative')
    .max(maxUnits * 1_000_000, `must be at most ${maxUnits.toLocaleString('en-US')} units (${maxUnits * 1_000_000} micros)`);
}

/** A field of Pinterest's spec Loupe does not implement: absent or null only. */
export function unsupportedField(what: string) {
  return z.null({ error: `is not supported by Loupe (${what}); omit it or send null` }).optional();
}

/** Unix seconds, as Pinterest's start_time / end_time. */
export const unixSecondsSchema = z.number().int('must be a whole number of unix seconds').min(0).max(4_102_444_800);

export const PAGE_SIZE_DEFAULT = 25;
export const PAGE_SIZE_MAX = 250;

/** `bookmark` and `page_size`, as every Pinterest list endpoint takes them. */
export const paginationQuerySchema = z.object({
  bookmark: z.string().max(512).optional(),
  page_size: z.coerce
    .number({ error: "Parameter 'page_size' must be an integer" })
    .int("Parameter 'page_size' must be an integer")
    .min(1, "Parameter 'page_size' must be at least 1")
    .max(PAGE_SIZE_MAX, `Parameter 'page_size' must be at most ${PAGE_SIZE_MAX}`)
    .default(PAGE_SIZE_DEFAULT),
});

export const orderSchema = z.enum(['ASCENDING', 'DESCENDING']);

/** Pinterest's `Paginated`: `{ items, bookmark }`; bookmark is null on the last page. */
export function paginated<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), bookmark: z.string().nullable() });
}
export interface Page<T> {
  items: T[];
  bookmark: string | null;
}

/** Pinterest's `Exception`, as it appears inside bulk results. */
export const exceptionSchema = z.object({ code: z.number().int(), message: z.string() });

/** Bulk create/update response: one entry per input item, in order. */
export function bulkResponse<T extends z.ZodType>(item: T) {
  return z.object({
    // A failed item has exceptions and no `data` (Pinterest's schema has no null there).
    items: z.array(z.object({ data: item.optional(), exceptions: z.array(exceptionSchema) })),
  });
}
export interface BulkItem<T> {
  data?: T;
  exceptions: { code: number; message: string }[];
}

/** Bulk bodies hold at most this many items, as in Pinterest's API. */
export const BULK_MAX_ITEMS = 30;

/**
 * A bulk body is an array of 1–30 items. Items are validated one by one by the
 * service (see `validateBulkItem`), so one bad item fails alone in its `exceptions`.
 */
export const bulkBodySchema = z
  .array(z.unknown())
  .min(1, 'send at least one item')
  .max(BULK_MAX_ITEMS, `send at most ${BULK_MAX_ITEMS} items per request`);
