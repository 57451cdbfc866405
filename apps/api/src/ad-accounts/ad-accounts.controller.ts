import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  adAccountCreateBodySchema,
  adAccountIdParamSchema,
  adAccountListQuerySchema,
  adAccountPageSchema,
  adAccountSchema,
  adAccountUpdateBodySchema,
  type AdAccount,
  type AdAccountCreateBody,
  type AdAccountListQuery,
  type AdAccountUpdateBody,
  type Page,
} from '@loupe/contracts';
import { CurrentActor, CurrentAdAccount, CurrentPrincipal, type Actor, type AdAccountScope } from '../auth/request-context';
import type { Principal } from '../auth/token.service';
import { adAccount, Route, SIGNED_IN } from '../common/route.decorator';
import { AdAccountsService } from './ad-accounts.service';

@Controller('v5/ad_accounts')
export class AdAccountsController {
  constructor(private readonly adAccounts: AdAccountsService) {}

  @Get()
  @Route({
    summary: 'List ad accounts',
    description:
      'The ad accounts the caller holds a role on (`permissions` is that role). `include_shared_accounts=false` keeps only the accounts the caller owns.',
    tag: 'ad_accounts',
    access: SIGNED_IN,
    rate: 'read',
    query: adAccountListQuerySchema,
    response: adAccountPageSchema,
  })
  list(@CurrentPrincipal() principal: Principal, @Query() query: AdAccountListQuery): Promise<Page<AdAccount>> {
    return this.adAccounts.list(principal.userId, query);
  }

  @Post()
  @HttpCode(200)
  @Route({
    summary: 'Create ad account',
    description: `Creates an ad account in the caller's business; the caller becomes its owner and ADMIN. One user may own at most 50 ad accounts. \`timezone\` (Loupe extension, default UTC) is where the account's days, months and quarters are cut.`,
    tag: 'ad_accounts',
    access: SIGNED_IN,
    rate: 'write',
    body: adAccountCreateBodySchema,
    response: adAccountSchema,
  })
  create(@CurrentActor() actor: Actor, @Body() body: AdAccountCreateBody): Promise<AdAccount> {
    return this.adAccounts.create(actor, body);
  }

  @Get(':ad_account_id')
  @Route({
    summary: 'Get ad account',
    tag: 'ad_accounts',
    access: adAccount('ad_account:read'),
    rate: 'read',
    params: adAccountIdParamSchema,
    response: adAccountSchema,
  })
  get(@CurrentPrincipal() principal: Principal, @CurrentAdAccount() scope: AdAccountScope): Promise<AdAccount> {
    return this.adAccounts.get(principal.userId, scope.id);
  }

  @Patch(':ad_account_id')
  @Route({
    summary: 'Update ad account (name, timezone)',
    description:
      'Loupe extension. Changes the name and/or the timezone. The currency cannot change: every amount of the account (budgets, bids, spend, invoices) is in micros of its currency. A new timezone applies to days cut from now on; recorded spend and events keep their UTC instants.',
    tag: 'ad_accounts',
    access: adAccount('ad_account:write'),
    rate: 'write',
    extension: true,
    params: adAccountIdParamSchema,
    body: adAccountUpdateBodySchema,
    response: adAccountSchema,
  })
  update(@CurrentActor() actor: Actor, @CurrentAdAccount() scope: AdAccountScope, @Body() body: AdAccountUpdateBody): Promise<AdAccount> {
    return this.adAccounts.update(actor, scope.id, body);
  }
}
