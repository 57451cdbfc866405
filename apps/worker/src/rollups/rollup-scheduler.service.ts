import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { AdEvent } from '@loupe/contracts';
import { LOUPE_CONFIG, QUEUES, type LoupeConfig } from '@loupe/server-core';
import type { Queue } from 'bullmq';
import { scheduleRollups } from './schedule';

/**
 * scheduleRollups() with the `rollups` queue injected, for other worker modules
 * (the ingest processor): import RollupsModule and call schedule(events) after
 * the events are in ClickHouse.
 */
@Injectable()
export class RollupScheduler {
  private readonly rangeAfterMs: number | null;

  constructor(@InjectQueue(QUEUES.rollups) private readonly queue: Queue, @Inject(LOUPE_CONFIG) config: LoupeConfig) {
    const hours = config.rollups?.rangeAfterHours ?? null;
    this.rangeAfterMs = hours === null ? null : hours * 3_600_000;
  }

  /** Adds the coalesced rollup jobs for the events' (ad account, UTC hour)s; returns their job ids. */
  schedule(events: readonly Pick<AdEvent, 'ad_account_id' | 'event_time_ms'>[]): Promise<string[]> {
    return scheduleRollups(this.queue, events, Date.now(), this.rangeAfterMs);
  }
}
