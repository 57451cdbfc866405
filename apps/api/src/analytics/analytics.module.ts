import { Module } from '@nestjs/common';
import { PostgresLocalDayZones } from '@loupe/server-core';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsService } from './analytics.service';
import { MeasureStore } from './measure-store';
import { RevenueController } from './revenue.controller';
import { RevenueService } from './revenue.service';

/** Pinterest's synchronous analytics; MeasureStore is the one read path from the rollups. */
@Module({
  controllers: [AnalyticsController, RevenueController],
  providers: [AnalyticsService, MeasureStore, PostgresLocalDayZones, RevenueService],
  exports: [MeasureStore, RevenueService],
})
export class AnalyticsModule {}
