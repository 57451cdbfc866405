import { Module } from '@nestjs/common';

/** Ads (promoted pins) under /v5/ad_accounts/{ad_account_id}/ads. */
@Module({})
export class AdsModule {}
