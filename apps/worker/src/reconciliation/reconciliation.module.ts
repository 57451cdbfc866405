import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '@loupe/server-core';
import { ReconciliationProcessor } from './reconciliation.processor';
import { ReconciliationScheduler } from './reconciliation.scheduler';
import { ReconciliationService } from './reconciliation.service';

/** Spend ledger vs ClickHouse rollups, every 10 minutes. */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.reconciliation })],
  providers: [ReconciliationService, ReconciliationProcessor, ReconciliationScheduler],
  exports: [ReconciliationService],
})
export class ReconciliationModule {}
