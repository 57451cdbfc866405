import { Processor, WorkerHost } from '@nestjs/bullmq';
import { rollupJobSchema } from '@loupe/contracts';
import { QUEUES } from '@loupe/server-core';
import { UnrecoverableError, type Job } from 'bullmq';
import { RollupScheduler } from './rollup-scheduler.service';
import { SYNC_LOCAL_DAYS_JOB } from './local-days.scheduler';
import { RollupService, type LocalDaysResult, type RollupHourResult } from './rollup.service';
import { FIND_MISSING_DAYS_JOB } from './schedule';

export interface MissingDaysResult {
  /** Days with hourly rollups and no daily row. */
  days: number;
  /** Week-range recompute jobs queued for them. */
  jobs: string[];
}

export interface SyncLocalDaysResult {
  /** One entry per account looked at: its local days rebuilt (or none to build) and whether it is now marked complete. */
  accounts: LocalDaysResult[];
}

/**
 * Consumes `rollups` jobs ({ad_account_id, hour[, hours]}), added by the ingest worker
 * through scheduleRollups(), the boot-time FIND_MISSING_DAYS_JOB (RollupScheduler) and
 * the repeatable SYNC_LOCAL_DAYS_JOB (LocalDaysScheduler).
 * A few run at once: each is mostly ClickHouse time.
 */
@Processor(QUEUES.rollups, { concurrency: 4 })
export class RollupsProcessor extends WorkerHost {
  constructor(
    private readonly rollups: RollupService,
    private readonly scheduler: RollupScheduler,
  ) {
    super();
  }

  async process(job: Job<unknown>): Promise<RollupHourResult | MissingDaysResult | SyncLocalDaysResult> {
    if (job.name === SYNC_LOCAL_DAYS_JOB) {
      const accounts: LocalDaysResult[] = [];
      for (const id of await this.rollups.accountsWithoutLocalDays()) {
        const result = await this.rollups.rebuildLocalDays(id);
        if (result) accounts.push(result);
      }
      return { accounts };
    }
    if (job.name === FIND_MISSING_DAYS_JOB) {
      const missing = await this.rollups.missingDays();
      return { days: missing.length, jobs: await this.scheduler.scheduleMissingDays(missing) };
    }
    const parsed = rollupJobSchema.safeParse(job.data);
    // A malformed payload will never succeed: fail it at once instead of retrying.
    if (!parsed.success) throw new UnrecoverableError(`invalid rollups job payload: ${parsed.error.message}`);
    const { ad_account_id: adAccountId, hour, hours } = parsed.data;
    return hours !== undefined && hours > 1 ? this.rollups.recomputeRange(adAccountId, hour, hours) : this.rollups.recomputeHour(adAccountId, hour);
  }
}
