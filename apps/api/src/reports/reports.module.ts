import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module';
import { AsyncReportsService } from './async-reports.service';
import { ReportBuilderService } from './report-builder.service';
import { ReportsController } from './reports.controller';
import { SavedReportsController } from './saved-reports.controller';
import { SavedReportsService } from './saved-reports.service';

/** The report builder, saved reports and Pinterest's async reports (docs/reports.md). */
@Module({
  imports: [AnalyticsModule],
  controllers: [ReportsController, SavedReportsController],
  providers: [ReportBuilderService, AsyncReportsService, SavedReportsService],
  exports: [ReportBuilderService],
})
export class ReportsModule {}
