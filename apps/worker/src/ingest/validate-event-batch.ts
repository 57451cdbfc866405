import { EventRowError, readEventValuesRow, type RenderedEventRow } from '@loupe/analytics';
import { BLANK_AD_EVENT, adEventSchema, eventBatchJobSchema, eventRowsJobSchema, type AdEvent, type DeadLetterJob } from '@loupe/contracts';
import type { z } from 'zod';
import { deadLetter } from './event-batcher';

/** What a job brings to the batcher: events to render (the first job format), checked rows (the lean one), dead letters. */
export interface ValidatedJob {
  events: AdEvent[];
  rows: RenderedEventRow[];
  letters: DeadLetterJob[];
}

const MAX_JOB_ENTRIES = 10_000;

/**
 * Checks one `events` job, in either format (docs/pipeline.md "Job formats"):
 *
 * - lean (`{rows, events?}`, eventRowsJobSchema, what the API writes): each row must be one
 *   eventValuesRow can write (readEventValuesRow); `events` are the ones the API could not
 *   validate or render, checked as below;
 * - the first format (`{events}`, eventBatchJobSchema): each event against adEventSchema,
 *   rendered later by the batcher. Jobs queued before an upgrade come this way.
 *
 * A bad row or event is split off as a dead letter with its reason and the rest of the job
 * goes on; a payload that is neither becomes one dead letter. Nothing invalid reaches a
 * ClickHouse batch.
 */
export function validateEventJob(data: unknown, jobId: string): ValidatedJob {
  const rows = (data as { rows?: unknown } | null | undefined)?.rows;
  if (rows === undefined) return { ...validateEventBatch(data, jobId), rows: [] };
  const extra = (data as { events?: unknown }).events;
  const envelopeOk =
    Array.isArray(rows) &&
    rows.length <= MAX_JOB_ENTRIES &&
    (extra === undefined || (Array.isArray(extra) && extra.length <= MAX_JOB_ENTRIES)) &&
    rows.length + ((extra as unknown[] | undefined)?.length ?? 0) > 0;
  if (!envelopeOk) {
    // The schema only to say why (the rows themselves are checked one by one below).
    const parsed = eventRowsJobSchema.safeParse(data);
    const reason = parsed.success ? 'not a job' : issues(parsed.error);
    return { events: [], rows: [], letters: [deadLetter('validation', `invalid events job: ${reason}`, data, jobId)] };
  }
  const read: RenderedEventRow[] = [];
  const letters: DeadLetterJob[] = [];
  for (const row of rows as unknown[]) {
    try {
      read.push(readEventValuesRow(row));
    } catch (error) {
      if (!(error instanceof EventRowError)) throw error;
      letters.push(deadLetter('validation', `invalid event row: ${error.message}`, row, jobId));
    }
  }
  const events: AdEvent[] = [];
  for (const candidate of (extra as unknown[] | undefined) ?? []) checkEvent(candidate, jobId, events, letters);
  return { events, rows: read, letters };
}

/**
 * Checks one job of the first format against eventBatchJobSchema. A bad event is split off
 * as a dead letter with its reason and the rest of the job goes on; a payload that is not
 * a batch at all becomes one dead letter.
 */
export function validateEventBatch(data: unknown, jobId: string): { events: AdEvent[]; letters: DeadLetterJob[] } {
  const parsed = eventBatchJobSchema.safeParse(data);
  if (parsed.success) return { events: parsed.data.events, letters: [] };
  const raw = (data as { events?: unknown } | null | undefined)?.events;
  const envelope = eventBatchJobSchema.shape.events.safeParse(Array.isArray(raw) ? raw.map(() => SAMPLE_EVENT) : raw);
  if (!envelope.success) {
    return { events: [], letters: [deadLetter('validation', `invalid events job: ${issues(envelope.error)}`, data, jobId)] };
  }
  const events: AdEvent[] = [];
  const letters: DeadLetterJob[] = [];
  for (const candidate of raw as unknown[]) checkEvent(candidate, jobId, events, letters);
  return { events, letters };
}

function checkEvent(candidate: unknown, jobId: string, events: AdEvent[], letters: DeadLetterJob[]): void {
  const event = adEventSchema.safeParse(candidate);
  if (event.success) events.push(event.data);
  else letters.push(deadLetter('validation', `invalid event: ${issues(event.error)}`, candidate, jobId));
}

/** A valid event standing in for each element, to check the array's own rules (length) alone. */
const SAMPLE_EVENT: AdEvent = { ...BLANK_AD_EVENT, event_id: 'x' };

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
