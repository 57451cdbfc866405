import { Controller, Get, Query } from '@nestjs/common';
import {
  accountRevenueSchema,
  adAccountIdParamSchema,
  crossAccountRevenueQuerySchema,
  crossAccountRevenueSchema,
  revenueQuartersQuerySchema,
  type AccountRevenue,
  type CrossAccountRevenue,
  type CrossAccountRevenueQuery,
  type RevenueQuartersQuery,
} from '@loupe/contracts';
import type { Principal } from '../auth/token.service';
import { CurrentAdAccount, CurrentPrincipal, type AdAccountScope } from '../auth/request-context';
import { adAccount, Route, SIGNED_IN } from '../common/route.decorator';
import { RevenueService } from './revenue.service';

const ABOUT =
  "Per quarter cut in the ad account's timezone: spend (the platform's revenue), attributed conversion value (the advertiser's revenue), ROAS and ROI, " +
  'each with growth against the previous quarter (qoq) and the same quarter a year earlier (yoy); growth is null when the earlier value is 0. ' +
  'Conversions use the default windows (30-day click, 1-day view) at the time of the ad action. Money in integer micros of the account currency.';

@Controller('v5')
export class RevenueController {
  constructor(private readonly revenue: RevenueService) {}

  @Get('ad_accounts/:ad_account_id/revenue/quarters')
  @Route({
    summary: 'Get quarter-over-quarter revenue',
    description: `${ABOUT} \`quarters\` (1–12, default 6) counts back from the current quarter.`,
    tag: 'ad_accounts',
    access: adAccount('analytics:read'),
    rate: 'read',
    extension: true,
    params: adAccountIdParamSchema,
    query: revenueQuartersQuerySchema,
    response: accountRevenueSchema,
  })
  forAccount(@CurrentAdAccount() scope: AdAccountScope, @Query() query: RevenueQuartersQuery): Promise<AccountRevenue> {
    return this.revenue.forAccount(scope, query.quarters);
  }

  @Get('revenue/quarters')
  @Route({
    summary: 'Get quarter-over-quarter revenue across ad accounts',
    description: `${ABOUT} For every ad account in \`ad_account_ids\` the caller may read analytics on, plus one total series per currency (amounts are never summed across currencies).`,
    tag: 'ad_accounts',
    access: SIGNED_IN,
    rate: 'read',
    extension: true,
    query: crossAccountRevenueQuerySchema,
    response: crossAccountRevenueSchema,
  })
  forUser(@CurrentPrincipal() principal: Principal, @Query() query: CrossAccountRevenueQuery): Promise<CrossAccountRevenue> {
    return this.revenue.forUser(principal.userId, query.ad_account_ids, query.quarters);
  }
}
