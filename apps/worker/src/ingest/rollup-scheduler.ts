import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { RollupJob } from '@loupe/contracts';
import { QUEUES } from '@loupe/server-core';
import type { Queue } from 'bullmq';
import { INGEST_OPTIONS, type IngestOptions } from './ingest.options';

/** Slack after a window's end before its rollup runs, for clock skew between workers. */
const WINDOW_SLACK_MS = 500;

/**
 * Asks for the rollups of every (ad account, UTC hour) a committed batch touched.
 *
 * Coalescing: all batches committed within one window of `rollupWindowMs` share one job
 * per hour (same job id, so BullMQ keeps the first and ignores the rest), delayed to run
 * just after the window closes. It therefore sees every batch of its window; a batch of
 * the next window gets the next job. An hour is recomputed at most once per window and
 * within about two windows of an event.
 */
@Injectable()
export class RollupScheduler {
  constructor(
    @InjectQueue(QUEUES.rollups) private readonly queue: Queue<RollupJob>,
    @Inject(INGEST_OPTIONS) private readonly options: IngestOptions,
  ) {}

  async schedule(hours: readonly RollupJob[], now = Date.now()): Promise<void> {
    if (hours.length === 0) return;
    const windowMs = this.options.rollupWindowMs;
    const window = Math.floor(now / windowMs);
    const delay = (window + 1) * windowMs + WINDOW_SLACK_MS - now;
    await this.queue.addBulk(
      hours.map((job) => ({
        name: 'recompute-hour',
        data: job,
        // BullMQ ids may not contain ':' (the brief's rollup:<account>:<hour>:<window>).
        opts: { jobId: rollupJobId(job, window), delay },
      })),
    );
  }
}

export function rollupJobId(job: RollupJob, window: number): string {
  return `rollup-${job.ad_account_id}-${job.hour}-${window}`;
}
