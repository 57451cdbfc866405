import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '@loupe/server-core';
import { RollupService } from './rollup.service';
import { RollupsProcessor } from './rollups.processor';
import { SpendLedgerService } from './spend-ledger.service';

/** Hourly rollups, attribution and the spend ledger, rebuilt by `rollups` jobs. */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.rollups })],
  providers: [RollupService, SpendLedgerService, RollupsProcessor],
  exports: [RollupService],
})
export class RollupsModule {}
