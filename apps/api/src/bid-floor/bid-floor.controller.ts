import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { adAccountIdParamSchema, bidFloorBodySchema, bidFloorResponseSchema, type BidFloorBody, type BidFloorResponse } from '@loupe/contracts';
import { CurrentAdAccount, type AdAccountScope } from '../auth/request-context';
import { adAccount, Route } from '../common/route.decorator';
import { BidFloorService } from './bid-floor.service';

@Controller('v5/ad_accounts/:ad_account_id/bid_floor')
export class BidFloorController {
  constructor(private readonly bidFloors: BidFloorService) {}

  @Post()
  @HttpCode(200)
  @Route({
    summary: 'Get bid floors',
    description:
      'The reserve price the auction enforces for each spec, in micro-currency: a CPM floor (per 1,000 impressions) for IMPRESSION billing, a CPC floor for CLICKTHROUGH billing. ' +
      "`currency` defaults to the ad account's currency. `placement_group` (Loupe extension, default ALL) picks the placement; ALL answers the lowest placement floor, and each auction enforces the floor of the placement it runs for. " +
      'Countries, creative type, objective, optimization goals and targeting are validated but do not change floors today.',
    tag: 'ad_groups',
    access: adAccount('campaigns:read'),
    rate: 'read',
    params: adAccountIdParamSchema,
    body: bidFloorBodySchema,
    response: bidFloorResponseSchema,
  })
  floors(@CurrentAdAccount() scope: AdAccountScope, @Body() body: BidFloorBody): BidFloorResponse {
    return this.bidFloors.floors(scope, body);
  }
}
