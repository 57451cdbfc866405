import { Module } from '@nestjs/common';

/** GET /v5/user_account. */
@Module({})
export class UserAccountModule {}
