import { EventRowError, eventValuesRow } from '@loupe/analytics';
import { adEventSchema, type AdEvent, type EventRowsJob } from '@loupe/contracts';

/**
 * The `events` job of a group commit, in the lean format (eventRowsJobSchema;
 * docs/pipeline.md "Job formats"): each event validated once against adEventSchema and
 * rendered once as its `events` VALUES row, here in the API, so the worker only checks
 * and inserts the rows. An event that fails either step travels as itself in `events`,
 * and the worker dead-letters it with the reason, as it always has.
 */
export class EventJobBuilder {
  readonly rows: string[] = [];
  readonly unrenderable: AdEvent[] = [];

  get size(): number {
    return this.rows.length + this.unrenderable.length;
  }

  add(event: AdEvent): void {
    const row = adEventSchema.safeParse(event).success ? renderedRow(event) : null;
    if (row === null) this.unrenderable.push(event);
    else this.rows.push(row);
  }

  job(): EventRowsJob {
    return this.unrenderable.length > 0 ? { rows: this.rows, events: this.unrenderable } : { rows: this.rows };
  }
}

/** The job for these events (the bench and tests queue jobs exactly as the API does). */
export function eventRowsJob(events: readonly AdEvent[]): EventRowsJob {
  const builder = new EventJobBuilder();
  for (const event of events) builder.add(event);
  return builder.job();
}

function renderedRow(event: AdEvent): string | null {
  try {
    return eventValuesRow(event).text;
  } catch (error) {
    if (error instanceof EventRowError) return null;
    throw error;
  }
}
