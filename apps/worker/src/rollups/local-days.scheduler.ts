import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { LOUPE_CONFIG, QUEUES, type LoupeConfig } from '@loupe/server-core';
import type { Queue } from 'bullmq';

/** The repeatable `rollups` job that rebuilds local-day rollups for accounts not known complete (RollupService.rebuildLocalDays). */
export const SYNC_LOCAL_DAYS_JOB = 'sync-local-days';

/**
 * Registers SYNC_LOCAL_DAYS_JOB every LOCAL_DAYS_SYNC_SECONDS (default 30; 0 removes the
 * schedule). An account whose timezone changed reads its reports from the UTC daily and
 * hourly tables — the same figures, slower — until the next run has rebuilt it.
 * upsertJobScheduler is idempotent, so every worker may call it at boot.
 */
@Injectable()
export class LocalDaysScheduler implements OnApplicationBootstrap {
  private readonly everySeconds: number;

  constructor(@InjectQueue(QUEUES.rollups) private readonly queue: Queue, @Inject(LOUPE_CONFIG) config: LoupeConfig) {
    this.everySeconds = config.rollups?.localDaysSyncSeconds ?? 30;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.everySeconds === 0) await this.queue.removeJobScheduler(SYNC_LOCAL_DAYS_JOB);
    else await this.queue.upsertJobScheduler(SYNC_LOCAL_DAYS_JOB, { every: this.everySeconds * 1000 }, { name: SYNC_LOCAL_DAYS_JOB, data: {} });
  }
}
