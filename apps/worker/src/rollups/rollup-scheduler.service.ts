import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { AdEvent } from '@loupe/contracts';
import { LOUPE_CONFIG, QUEUES, type LoupeConfig } from '@loupe/server-core';
import type { Queue } from 'bullmq';
import { FIND_MISSING_DAYS_JOB, ROLLUP_JOB_RETRY, scheduleMissingDays, scheduleRollups } from './schedule';

/**
 * scheduleRollups() with the `rollups` queue injected, for other worker modules
 * (the ingest processor): import RollupsModule and call schedule(events) after
 * the events are in ClickHouse.
 *
 * At boot it also queues one FIND_MISSING_DAYS_JOB (workers booting in the same minute
 * share it): the days with hourly rollups but no daily row (history from before the
 * daily tables, or after 0004 recreated them) get range recomputes. A job, not a query
 * at boot, so a ClickHouse that is down when the worker starts only delays it.
 */
@Injectable()
export class RollupScheduler implements OnApplicationBootstrap {
  private readonly rangeAfterMs: number | null;

  constructor(@InjectQueue(QUEUES.rollups) private readonly queue: Queue, @Inject(LOUPE_CONFIG) config: LoupeConfig) {
    const hours = config.rollups?.rangeAfterHours ?? null;
    this.rangeAfterMs = hours === null ? null : hours * 3_600_000;
  }

  /**
   * Adds the coalesced rollup jobs for the events' (ad account, UTC hour)s; returns their job ids.
   * `heavy`: ingest is heavy, coalesce over ROLLUP_HEAVY_COALESCE_MS (scheduleRollups).
   */
  schedule(events: readonly Pick<AdEvent, 'ad_account_id' | 'event_time_ms'>[], options: { heavy?: boolean } = {}): Promise<string[]> {
    return scheduleRollups(this.queue, events, Date.now(), this.rangeAfterMs, options.heavy ?? false);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.add(FIND_MISSING_DAYS_JOB, {}, { ...ROLLUP_JOB_RETRY, jobId: `${FIND_MISSING_DAYS_JOB}-${Math.floor(Date.now() / 60_000)}` });
  }

  /** Queues week-range recomputes of the days missing from the daily rollups; returns their job ids. */
  scheduleMissingDays(missing: readonly { ad_account_id: string; day: number }[]): Promise<string[]> {
    return scheduleMissingDays(this.queue, missing);
  }
}
