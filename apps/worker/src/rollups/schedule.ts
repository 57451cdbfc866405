import type { AdEvent, RollupJob } from '@loupe/contracts';
import type { Queue } from 'bullmq';

/** Jobs for one (ad account, hour) added within this many ms share one recompute. */
export const ROLLUP_COALESCE_MS = 2000;
/**
 * The same while ingest is heavy (the caller says so: the ingest worker when its batches
 * are cut full). Each recompute rereads the whole hour, and under a burst the recomputes
 * of 2-second buckets took several times the ClickHouse time of the inserts they followed
 * (docs/pipeline.md, "Benchmark"). An event still waits at most this long for its
 * recompute to start, which leaves half of the 10 s freshness target (issue 5) for the
 * recompute itself.
 */
export const ROLLUP_HEAVY_COALESCE_MS = 5000;
/**
 * With `rangeAfterMs` (config ROLLUP_RANGE_AFTER_HOURS), hours that ended more than that
 * long before the add are history (a backfill, a late batch): they are recomputed as
 * week ranges (`recomputeRollupRange`: a handful of statements for the whole week
 * instead of a dozen per hour, the same figures), coalesced over 30 s.
 */
export const RANGE_HOURS = 168;
export const RANGE_COALESCE_MS = 30_000;

/**
 * Retries for ~10 minutes at a steady pace rather than the default exponential 8:
 * while ClickHouse is down every rollup job fails, and an hour whose events all
 * arrived before the outage gets no other job to bring it up to date.
 */
export const ROLLUP_JOB_RETRY = { attempts: 200, backoff: { type: 'fixed', delay: 3000 } } as const;

/**
 * Adds a `rollups` job for every (ad account, UTC hour) the events touch. Call
 * it after the events are in ClickHouse. Returns the job ids (one per account-hour).
 *
 * Coalescing: the job id is `rollup-<account>-<hour>-<floor(now / 2 s)>`, so
 * within one 2-second bucket the first add creates the job and the rest are
 * no-ops (BullMQ ignores an existing id). The job is delayed to the end of its
 * bucket: every caller of that bucket inserted its events before adding, so the
 * recompute sees them all; a caller after the bucket gets the next job. An
 * event is therefore rolled up within ~2 s plus the job's run time.
 * With `heavy`, buckets are ROLLUP_HEAVY_COALESCE_MS long and their ids
 * `rollup-<account>-<hour>-h<floor(now / 5 s)>`: at most one recompute per account-hour
 * every 5 s from heavy callers, each event's starting within 5 s. Light and heavy callers
 * each get their own jobs, so an event always has a job starting after its insert.
 * (Ids use '-' because BullMQ refuses custom ids with ':'.)
 */
export async function scheduleRollups(
  queue: Queue,
  events: readonly Pick<AdEvent, 'ad_account_id' | 'event_time_ms'>[],
  now: number = Date.now(),
  rangeAfterMs: number | null = null,
  heavy = false,
): Promise<string[]> {
  const coalesceMs = heavy ? ROLLUP_HEAVY_COALESCE_MS : ROLLUP_COALESCE_MS;
  const bucket = Math.floor(now / coalesceMs);
  const bucketTag = heavy ? `h${bucket}` : String(bucket);
  const delay = (bucket + 1) * coalesceMs - now;
  const rangeBucket = Math.floor(now / RANGE_COALESCE_MS);
  const rangeDelay = (rangeBucket + 1) * RANGE_COALESCE_MS - now;
  const targets = new Map<string, { data: RollupJob; jobId: string; delay: number }>();
  for (const event of events) {
    const hour = Math.floor(event.event_time_ms / 3_600_000) * 3600;
    if (rangeAfterMs !== null && (hour + 3600) * 1000 <= now - rangeAfterMs) {
      const start = Math.floor(hour / (RANGE_HOURS * 3600)) * RANGE_HOURS * 3600;
      const key = `${event.ad_account_id}-${start}-r${RANGE_HOURS}`;
      targets.set(key, { data: { ad_account_id: event.ad_account_id, hour: start, hours: RANGE_HOURS }, jobId: `rollup-${key}-${rangeBucket}`, delay: rangeDelay });
    } else {
      const key = `${event.ad_account_id}-${hour}`;
      targets.set(key, { data: { ad_account_id: event.ad_account_id, hour }, jobId: `rollup-${key}-${bucketTag}`, delay });
    }
  }
  const jobs = [...targets.values()].map(({ data, jobId, delay: wait }) => ({ name: 'recompute', data, opts: { ...ROLLUP_JOB_RETRY, jobId, delay: wait } }));
  if (jobs.length > 0) await queue.addBulk(jobs);
  return jobs.map((job) => job.opts.jobId);
}

/** The job that looks for days missing from the daily rollups (added at every worker boot). */
export const FIND_MISSING_DAYS_JOB = 'find-missing-days';

/**
 * Queues a week-range recompute (as scheduleRollups does for history) for every RANGE_HOURS
 * week holding a UTC day with hourly rollups but no daily row. Job ids name the account and
 * week, so several workers finding the same days queue each week once while it waits.
 * Returns the job ids.
 */
export async function scheduleMissingDays(queue: Queue, missing: readonly { ad_account_id: string; day: number }[]): Promise<string[]> {
  const weeks = new Map<string, RollupJob>();
  for (const { ad_account_id, day } of missing) {
    const start = Math.floor(day / (RANGE_HOURS * 3600)) * RANGE_HOURS * 3600;
    weeks.set(`${ad_account_id}-${start}`, { ad_account_id, hour: start, hours: RANGE_HOURS });
  }
  const jobs = [...weeks].map(([key, data]) => ({ name: 'recompute', data, opts: { ...ROLLUP_JOB_RETRY, jobId: `rollup-backfill-${key}-r${RANGE_HOURS}` } }));
  if (jobs.length > 0) await queue.addBulk(jobs);
  return jobs.map((job) => job.opts.jobId);
}
