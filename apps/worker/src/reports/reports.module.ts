import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { MeasureStore, PostgresLocalDayZones, QUEUES } from '@loupe/server-core';
import { ReportsProcessor } from './reports.processor';

/** Async analytics reports, built by `reports` jobs from the rollups (the API's read path). */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.reports })],
  providers: [MeasureStore, PostgresLocalDayZones, ReportsProcessor],
})
export class ReportsModule {}
