import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  adAccountIdParamSchema,
  bulkBodySchema,
  campaignBulkResponseSchema,
  campaignCreateItemSchema,
  campaignListQuerySchema,
  campaignPageSchema,
  campaignParamsSchema,
  campaignSchema,
  campaignUpdateItemSchema,
  type BulkItem,
  type Campaign,
  type CampaignListQuery,
  type Page,
} from '@loupe/contracts';
import { CurrentActor, CurrentAdAccount, type Actor, type AdAccountScope } from '../auth/request-context';
import { adAccount, Route } from '../common/route.decorator';
import { CampaignsService } from './campaigns.service';

@Controller('v5/ad_accounts/:ad_account_id/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Get()
  @Route({
    summary: 'List campaigns',
    description: 'Campaigns of the ad account by id, filtered by `campaign_ids` and `entity_statuses` (default ACTIVE and PAUSED).',
    tag: 'campaigns',
    access: adAccount('campaigns:read'),
    rate: 'read',
    params: adAccountIdParamSchema,
    query: campaignListQuerySchema,
    response: campaignPageSchema,
  })
  list(@CurrentAdAccount() scope: AdAccountScope, @Query() query: CampaignListQuery): Promise<Page<Campaign>> {
    return this.campaigns.list(scope.id, query);
  }

  @Post()
  @HttpCode(200)
  @Route({
    summary: 'Create campaigns',
    description:
      'Creates up to 30 campaigns; each item succeeds or fails on its own (`{items: [{data, exceptions}]}`). `status` defaults to ACTIVE and `start_time` to now. Campaign budget optimization and bid multipliers are not supported.',
    tag: 'campaigns',
    access: adAccount('campaigns:write'),
    rate: 'write',
    params: adAccountIdParamSchema,
    body: bulkBodySchema,
    bulkItem: campaignCreateItemSchema,
    response: campaignBulkResponseSchema,
  })
  create(@CurrentActor() actor: Actor, @CurrentAdAccount() scope: AdAccountScope, @Body() items: unknown[]): Promise<{ items: BulkItem<Campaign>[] }> {
    return this.campaigns.create(actor, scope.id, items);
  }

  @Patch()
  @Route({
    summary: 'Update campaigns',
    description:
      'Updates up to 30 campaigns by `id`; each item succeeds or fails on its own. Archived campaigns are read-only; a launched campaign cannot return to DRAFT; `objective_type` changes only on drafts.',
    tag: 'campaigns',
    access: adAccount('campaigns:write'),
    rate: 'write',
    params: adAccountIdParamSchema,
    body: bulkBodySchema,
    bulkItem: campaignUpdateItemSchema,
    response: campaignBulkResponseSchema,
  })
  update(@CurrentActor() actor: Actor, @CurrentAdAccount() scope: AdAccountScope, @Body() items: unknown[]): Promise<{ items: BulkItem<Campaign>[] }> {
    return this.campaigns.update(actor, scope.id, items);
  }

  @Get(':campaign_id')
  @Route({
    summary: 'Get campaign',
    tag: 'campaigns',
    access: adAccount('campaigns:read'),
    rate: 'read',
    params: campaignParamsSchema,
    response: campaignSchema,
  })
  get(@CurrentAdAccount() scope: AdAccountScope, @Param('campaign_id') campaignId: string): Promise<Campaign> {
    return this.campaigns.get(scope.id, campaignId);
  }
}
