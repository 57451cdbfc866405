import { Module } from '@nestjs/common';

/** Ad groups under /v5/ad_accounts/{ad_account_id}/ad_groups. */
@Module({})
export class AdGroupsModule {}
