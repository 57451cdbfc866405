import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { RollupJob } from '@loupe/contracts';
import { QUEUES } from '@loupe/server-core';
import type { Queue } from 'bullmq';
import { scheduleRollups } from '../rollups/schedule';

/**
 * Asks for the rollups of every (ad account, UTC hour) a committed batch touched, through
 * the rollups domain's `scheduleRollups` (one job per hour per 2-second bucket, delayed to
 * the bucket's end; see docs/pipeline.md, "Scheduling").
 */
@Injectable()
export class RollupScheduler {
  constructor(@InjectQueue(QUEUES.rollups) private readonly queue: Queue<RollupJob>) {}

  async schedule(hours: readonly RollupJob[], now = Date.now()): Promise<void> {
    if (hours.length === 0) return;
    await scheduleRollups(
      this.queue,
      hours.map((h) => ({ ad_account_id: h.ad_account_id, event_time_ms: h.hour * 1000 })),
      now,
    );
  }
}
