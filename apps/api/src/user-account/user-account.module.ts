import { Module } from '@nestjs/common';
import { UserAccountController } from './user-account.controller';
import { UserAccountService } from './user-account.service';

/** GET /v5/user_account. */
@Module({ controllers: [UserAccountController], providers: [UserAccountService] })
export class UserAccountModule {}
