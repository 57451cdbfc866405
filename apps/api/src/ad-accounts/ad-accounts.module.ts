import { Module } from '@nestjs/common';
import { AdAccountsService } from './ad-accounts.service';

@Module({ providers: [AdAccountsService], exports: [AdAccountsService] })
export class AdAccountsModule {}
