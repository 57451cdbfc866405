import { Module } from '@nestjs/common';
import { AdGroupsModule } from '../ad-groups/ad-groups.module';
import { ServingModule } from '../serving/serving.module';
import { DeliveryDiagnosticsController } from './delivery-diagnostics.controller';
import { DeliveryDiagnosticsService } from './delivery-diagnostics.service';

/** Delivery diagnostics: the serve path's explain counters, read back for advertisers. */
@Module({
  imports: [AdGroupsModule, ServingModule],
  controllers: [DeliveryDiagnosticsController],
  providers: [DeliveryDiagnosticsService],
})
export class DeliveryModule {}
