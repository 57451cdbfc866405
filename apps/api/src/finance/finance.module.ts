import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module';
import { BillableEventsService } from './billable-events';
import { FinanceController } from './finance.controller';
import { FinanceService } from './finance.service';

/** Spend per month/quarter from the spend ledger, invoices and closed periods (docs/finance.md). */
@Module({
  imports: [AnalyticsModule],
  controllers: [FinanceController],
  providers: [FinanceService, BillableEventsService],
})
export class FinanceModule {}
