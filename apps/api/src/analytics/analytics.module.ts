import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsService } from './analytics.service';
import { MeasureStore } from './measure-store';

/** Pinterest's synchronous analytics; MeasureStore is the one read path from the rollups. */
@Module({
  controllers: [AnalyticsController],
  providers: [AnalyticsService, MeasureStore],
  exports: [MeasureStore],
})
export class AnalyticsModule {}
