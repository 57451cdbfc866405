import { readEventValuesRow } from '@loupe/analytics';
import { eventRowsJobSchema, type AdEvent, BLANK_AD_EVENT } from '@loupe/contracts';
import { describe, expect, it } from 'vitest';
import { EventJobBuilder, eventRowsJob } from '../src/events/event-job';
import { jobEvents } from './support/tracking';

function event(n: number, overrides: Partial<AdEvent> = {}): AdEvent {
  return {
    ...BLANK_AD_EVENT,
    event_id: `i:job-${n}:0`,
    event_time_ms: Date.UTC(2026, 11, 6, 12, 0, n),
    ad_account_id: '12',
    campaign_id: '1',
    ad_group_id: '2',
    ad_id: '3',
    pin_id: '4',
    auction_id: `job-${n}`,
    placement: 'BROWSE',
    user_id: "it's \\ u",
    price_micros: 1_000,
    ...overrides,
  };
}

describe('the lean events job the API writes (EventJobBuilder)', () => {
  it('carries each valid event as the VALUES row the worker reads back, and nothing else', () => {
    const events = [event(1), event(2, { event_type: 'CLICK', price_micros: 150_000 })];
    const job = eventRowsJob(events);
    expect(Object.keys(job)).toEqual(['rows']);
    expect(eventRowsJobSchema.safeParse(job).success).toBe(true);
    expect(job.rows.map((row) => readEventValuesRow(row)).map(({ event_id, ad_account_id, event_time_ms }) => ({ event_id, ad_account_id, event_time_ms }))).toEqual(
      events.map((e) => ({ event_id: e.event_id, ad_account_id: e.ad_account_id, event_time_ms: e.event_time_ms })),
    );
    expect(jobEvents(job)).toEqual(events);
  });

  it('sends an event that fails adEventSchema or cannot be rendered as itself, for the worker to dead-letter with the reason', () => {
    const invalid = event(3, { price_micros: -1 });
    const unrenderable = event(4, { event_time_ms: 0 });
    const leadingZeros = event(5, { ad_id: '0007' });
    const builder = new EventJobBuilder();
    for (const e of [event(1), invalid, unrenderable, leadingZeros, event(2)]) builder.add(e);
    expect(builder.size).toBe(5);
    const job = builder.job();
    expect(job.rows).toHaveLength(2);
    expect(job.events).toEqual([invalid, unrenderable, leadingZeros]);
    expect(eventRowsJobSchema.safeParse(job).success).toBe(true);
  });
});
