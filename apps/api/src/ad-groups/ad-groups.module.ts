import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { AdGroupsController } from './ad-groups.controller';
import { AdGroupsService } from './ad-groups.service';

/** Ad groups under /v5/ad_accounts/{ad_account_id}/ad_groups. Exports the service for ads (their parent checks). */
@Module({
  imports: [CampaignsModule],
  controllers: [AdGroupsController],
  providers: [AdGroupsService],
  exports: [AdGroupsService],
})
export class AdGroupsModule {}
