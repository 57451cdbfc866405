import { Processor, WorkerHost } from '@nestjs/bullmq';
import { rollupJobSchema } from '@loupe/contracts';
import { QUEUES } from '@loupe/server-core';
import { UnrecoverableError, type Job } from 'bullmq';
import { RollupService, type RollupHourResult } from './rollup.service';

/**
 * Consumes `rollups` jobs ({ad_account_id, hour[, hours]}), added by the ingest worker
 * through scheduleRollups(). A few run at once: each is mostly ClickHouse time.
 */
@Processor(QUEUES.rollups, { concurrency: 4 })
export class RollupsProcessor extends WorkerHost {
  constructor(private readonly rollups: RollupService) {
    super();
  }

  async process(job: Job<unknown>): Promise<RollupHourResult> {
    const parsed = rollupJobSchema.safeParse(job.data);
    // A malformed payload will never succeed: fail it at once instead of retrying.
    if (!parsed.success) throw new UnrecoverableError(`invalid rollups job payload: ${parsed.error.message}`);
    const { ad_account_id: adAccountId, hour, hours } = parsed.data;
    return hours !== undefined && hours > 1 ? this.rollups.recomputeRange(adAccountId, hour, hours) : this.rollups.recomputeHour(adAccountId, hour);
  }
}
