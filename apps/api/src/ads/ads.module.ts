import { Module } from '@nestjs/common';
import { AdGroupsModule } from '../ad-groups/ad-groups.module';
import { PinsModule } from '../pins/pins.module';
import { AdsController } from './ads.controller';
import { AdsService } from './ads.service';

/** Ads (promoted pins) under /v5/ad_accounts/{ad_account_id}/ads: parents from AdGroupsModule, pins from PinsModule. */
@Module({ imports: [AdGroupsModule, PinsModule], controllers: [AdsController], providers: [AdsService] })
export class AdsModule {}
