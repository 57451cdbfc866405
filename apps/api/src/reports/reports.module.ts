import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module';
import { AsyncReportsService } from './async-reports.service';
import { ReportBuilderService } from './report-builder.service';
import { ReportsController } from './reports.controller';

/** The report builder, saved reports and Pinterest's async reports (docs/reports.md). */
@Module({
  imports: [AnalyticsModule],
  controllers: [ReportsController],
  providers: [ReportBuilderService, AsyncReportsService],
  exports: [ReportBuilderService],
})
export class ReportsModule {}
