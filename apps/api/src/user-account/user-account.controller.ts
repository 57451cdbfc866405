import { Controller, Get, Query } from '@nestjs/common';
import { userAccountQuerySchema, userAccountSchema, type UserAccount, type UserAccountQuery } from '@loupe/contracts';
import { CurrentPrincipal } from '../auth/request-context';
import type { Principal } from '../auth/token.service';
import { Route, SIGNED_IN } from '../common/route.decorator';
import { UserAccountService } from './user-account.service';

@Controller('v5/user_account')
export class UserAccountController {
  constructor(private readonly userAccount: UserAccountService) {}

  @Get()
  @Route({
    summary: 'Get user account',
    description: 'The account of the token user or, with `ad_account_id`, of the owner of that ad account (the caller needs a role on it).',
    tag: 'user_account',
    access: SIGNED_IN,
    rate: 'read',
    query: userAccountQuerySchema,
    response: userAccountSchema,
  })
  get(@CurrentPrincipal() principal: Principal, @Query() query: UserAccountQuery): Promise<UserAccount> {
    return this.userAccount.get(principal.userId, query.ad_account_id);
  }
}
