import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '@loupe/server-core';
import { LocalDaysScheduler } from './local-days.scheduler';
import { RollupScheduler } from './rollup-scheduler.service';
import { RollupService } from './rollup.service';
import { RollupsProcessor } from './rollups.processor';
import { SpendLedgerService } from './spend-ledger.service';

/**
 * Hourly rollups, attribution and the spend ledger, rebuilt by `rollups` jobs.
 * Exports RollupScheduler, which the ingest worker calls after each insert.
 */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.rollups })],
  providers: [RollupService, RollupScheduler, LocalDaysScheduler, SpendLedgerService, RollupsProcessor],
  exports: [RollupService, RollupScheduler],
})
export class RollupsModule {}
