import { Module } from '@nestjs/common';
import { AdAccountsController } from './ad-accounts.controller';
import { AdAccountsService } from './ad-accounts.service';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';

@Module({
  controllers: [AdAccountsController, MembersController],
  providers: [AdAccountsService, MembersService],
  exports: [AdAccountsService],
})
export class AdAccountsModule {}
