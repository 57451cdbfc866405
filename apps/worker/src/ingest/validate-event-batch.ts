import { adEventSchema, eventBatchJobSchema, type AdEvent, type DeadLetterJob } from '@loupe/contracts';
import type { z } from 'zod';
import { deadLetter } from './event-batcher';

/**
 * Checks one `events` job against eventBatchJobSchema. A bad event is split off as a
 * dead letter with its reason and the rest of the job goes on; a payload that is not a
 * batch at all becomes one dead letter. Nothing invalid reaches a ClickHouse batch.
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
  for (const candidate of raw as unknown[]) {
    const event = adEventSchema.safeParse(candidate);
    if (event.success) events.push(event.data);
    else letters.push(deadLetter('validation', `invalid event: ${issues(event.error)}`, candidate, jobId));
  }
  return { events, letters };
}

/** A valid event standing in for each element, to check the array's own rules (length) alone. */
const SAMPLE_EVENT: AdEvent = {
  event_id: 'x',
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
};

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
