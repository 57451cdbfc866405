import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module';
import { FinanceController } from './finance.controller';
import { FinanceService } from './finance.service';

/** Spend per month/quarter from the spend ledger, invoices and closed periods (docs/finance.md). */
@Module({
  imports: [AnalyticsModule],
  controllers: [FinanceController],
  providers: [FinanceService],
})
export class FinanceModule {}
