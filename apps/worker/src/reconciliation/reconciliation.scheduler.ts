import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { QUEUES } from '@loupe/server-core';
import type { Queue } from 'bullmq';

export const RECONCILIATION_SCHEDULER_ID = 'reconcile-spend-ledger';
export const RECONCILIATION_EVERY_MS = 10 * 60_000;

/**
 * Registers the repeatable reconciliation job. upsertJobScheduler is idempotent,
 * so every worker may call it at boot and there is still one schedule.
 */
@Injectable()
export class ReconciliationScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(QUEUES.reconciliation) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(RECONCILIATION_SCHEDULER_ID, { every: RECONCILIATION_EVERY_MS }, { name: 'reconcile', data: {} });
  }
}
