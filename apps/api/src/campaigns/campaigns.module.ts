import { Module } from '@nestjs/common';

/** Campaigns under /v5/ad_accounts/{ad_account_id}/campaigns. */
@Module({})
export class CampaignsModule {}
