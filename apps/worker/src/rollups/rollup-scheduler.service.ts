import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { AdEvent } from '@loupe/contracts';
import { QUEUES } from '@loupe/server-core';
import type { Queue } from 'bullmq';
import { scheduleRollups } from './schedule';

/**
 * scheduleRollups() with the `rollups` queue injected, for other worker modules
 * (the ingest processor): import RollupsModule and call schedule(events) after
 * the events are in ClickHouse.
 */
@Injectable()
export class RollupScheduler {
  constructor(@InjectQueue(QUEUES.rollups) private readonly queue: Queue) {}

  /** Adds the coalesced rollup jobs for the events' (ad account, UTC hour)s; returns their job ids. */
  schedule(events: readonly Pick<AdEvent, 'ad_account_id' | 'event_time_ms'>[]): Promise<string[]> {
    return scheduleRollups(this.queue, events);
  }
}
