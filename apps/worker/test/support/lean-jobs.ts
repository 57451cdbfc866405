import { EventRowError, eventValuesRow } from '@loupe/analytics';
import { adEventSchema, type EventRowsJob } from '@loupe/contracts';

/**
 * An `events` job in the lean format, built as the API builds it (EventJobBuilder in
 * apps/api/src/events/event-job.ts, which the worker may not import): each valid event as
 * its VALUES row, the ones that fail adEventSchema or cannot be rendered as themselves.
 */
export function leanJob(events: readonly unknown[]): EventRowsJob {
  const rows: string[] = [];
  const unrenderable: unknown[] = [];
  for (const event of events) {
    const parsed = adEventSchema.safeParse(event);
    let row: string | null = null;
    if (parsed.success) {
      try {
        row = eventValuesRow(parsed.data).text;
      } catch (error) {
        if (!(error instanceof EventRowError)) throw error;
      }
    }
    if (row === null) unrenderable.push(event);
    else rows.push(row);
  }
  return unrenderable.length > 0 ? { rows, events: unrenderable } : { rows };
}
