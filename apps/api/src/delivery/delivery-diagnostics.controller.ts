import { Controller, Get, Param, Query } from '@nestjs/common';
import { adGroupParamsSchema, deliveryDiagnosticsQuerySchema, deliveryDiagnosticsSchema, type DeliveryDiagnostics, type DeliveryDiagnosticsQuery } from '@loupe/contracts';
import { CurrentAdAccount, type AdAccountScope } from '../auth/request-context';
import { adAccount, Route } from '../common/route.decorator';
import { DeliveryDiagnosticsService } from './delivery-diagnostics.service';

@Controller('v5/ad_accounts/:ad_account_id/ad_groups/:ad_group_id/delivery_diagnostics')
export class DeliveryDiagnosticsController {
  constructor(private readonly diagnostics: DeliveryDiagnosticsService) {}

  @Get()
  @Route({
    summary: 'Get ad group delivery diagnostics',
    description:
      'Per account-local day: auctions the ad group entered, won and lost by reason (TARGETING, BUDGET, PACING, FREQUENCY_CAP, BELOW_FLOOR, OUTRANKED), ' +
      'the median and 75th-percentile bid that would have won the auctions lost to competitors or the floor, and a suggestion. ' +
      'TARGETING losses are sampled (see `targeting_sample_rate`). Up to 31 days. See docs/serving.md.',
    tag: 'ad_groups',
    access: adAccount('campaigns:read'),
    rate: 'read',
    params: adGroupParamsSchema,
    query: deliveryDiagnosticsQuerySchema,
    response: deliveryDiagnosticsSchema,
    extension: true,
  })
  get(@CurrentAdAccount() scope: AdAccountScope, @Param('ad_group_id') adGroupId: string, @Query() query: DeliveryDiagnosticsQuery): Promise<DeliveryDiagnostics> {
    return this.diagnostics.get(scope, adGroupId, query);
  }
}
