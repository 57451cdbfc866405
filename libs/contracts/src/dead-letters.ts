import { z } from 'zod';

/** Where in the pipeline an event was given up on. */
export const DEAD_LETTER_STAGES = [
  /** The job or the event did not match eventBatchJobSchema / adEventSchema. */
  'validation',
  /** The event could not be rendered as a ClickHouse row (e.g. event_time out of range). */
  'format',
  /** ClickHouse rejected the row itself (found by bisecting a rejected batch). */
  'clickhouse',
] as const;
export type DeadLetterStage = (typeof DEAD_LETTER_STAGES)[number];

/**
 * The payload of one `events-dead-letter` job: an event (or a whole malformed job
 * payload) the ingest worker could not store, kept with the reason for an operator.
 * Nothing consumes this queue; jobs wait there to be read (GET /internal/admin/dead_letters).
 */
export const deadLetterJobSchema = z.object({
  stage: z.enum(DEAD_LETTER_STAGES),
  reason: z.string(),
  /** The `events` job it came from. */
  source_job_id: z.string(),
  /** The event id when one could be read, '' otherwise. */
  event_id: z.string(),
  /** The rejected event (or job payload) as it was received. */
  payload: z.unknown(),
  /** When it was dead-lettered, unix milliseconds. */
  failed_at_ms: z.number().int(),
});
export type DeadLetterJob = z.infer<typeof deadLetterJobSchema>;

export const deadLettersQuerySchema = z.object({
  /** Newest first; Pinterest-style page size. */
  page_size: z.coerce.number().int().min(1).max(250).default(25),
  /** Offset into the dead letters, from the previous page's `bookmark`. */
  bookmark: z
    .string()
    .regex(/^\d{1,9}$/, 'must be the bookmark of a previous page')
    .optional(),
});
export type DeadLettersQuery = z.infer<typeof deadLettersQuerySchema>;

export const deadLetterItemSchema = deadLetterJobSchema.extend({
  /** The dead-letter job's own id. */
  id: z.string(),
});
export type DeadLetterItem = z.infer<typeof deadLetterItemSchema>;

export const deadLettersResponseSchema = z.object({
  items: z.array(deadLetterItemSchema),
  /** Dead letters waiting in the queue in all. */
  total: z.number().int(),
  bookmark: z.string().nullable(),
});
export type DeadLettersResponse = z.infer<typeof deadLettersResponseSchema>;
