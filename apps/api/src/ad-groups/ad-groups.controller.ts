import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  adAccountIdParamSchema,
  adGroupBulkResponseSchema,
  adGroupCreateItemSchema,
  adGroupListQuerySchema,
  adGroupPageSchema,
  adGroupParamsSchema,
  adGroupSchema,
  adGroupUpdateItemSchema,
  bulkBodySchema,
  type AdGroup,
  type AdGroupListQuery,
  type BulkItem,
  type Page,
} from '@loupe/contracts';
import { CurrentActor, CurrentAdAccount, type Actor, type AdAccountScope } from '../auth/request-context';
import { adAccount, Route } from '../common/route.decorator';
import { AdGroupsService } from './ad-groups.service';

@Controller('v5/ad_accounts/:ad_account_id/ad_groups')
export class AdGroupsController {
  constructor(private readonly adGroups: AdGroupsService) {}

  @Get()
  @Route({
    summary: 'List ad groups',
    description:
      'Ad groups of the ad account by id, filtered by `campaign_ids`, `ad_group_ids` and `entity_statuses` (default ACTIVE and PAUSED). `translate_interests_to_names=true` returns INTEREST targeting as names.',
    tag: 'ad_groups',
    access: adAccount('campaigns:read'),
    rate: 'read',
    params: adAccountIdParamSchema,
    query: adGroupListQuerySchema,
    response: adGroupPageSchema,
  })
  list(@CurrentAdAccount() scope: AdAccountScope, @Query() query: AdGroupListQuery): Promise<Page<AdGroup>> {
    return this.adGroups.list(scope.id, query);
  }

  @Post()
  @HttpCode(200)
  @Route({
    summary: 'Create ad groups',
    description:
      'Creates up to 30 ad groups; each item succeeds or fails on its own (`{items: [{data, exceptions}]}`). Every ad group needs a budget (no campaign budget optimization); LIFETIME budgets need end_time; dates must fall inside the campaign\'s; bids must clear the bid floor and not exceed the budget. `daily_frequency_cap` is a Loupe extension.',
    tag: 'ad_groups',
    access: adAccount('campaigns:write'),
    rate: 'write',
    params: adAccountIdParamSchema,
    body: bulkBodySchema,
    bulkItem: adGroupCreateItemSchema,
    response: adGroupBulkResponseSchema,
  })
  create(@CurrentActor() actor: Actor, @CurrentAdAccount() scope: AdAccountScope, @Body() items: unknown[]): Promise<{ items: BulkItem<AdGroup>[] }> {
    return this.adGroups.create(actor, scope, items);
  }

  @Patch()
  @Route({
    summary: 'Update ad groups',
    description:
      'Updates up to 30 ad groups by `id`; each item succeeds or fails on its own. Archived ad groups, and the ad groups of archived campaigns, are read-only; `billable_event` and `budget_type` change only on drafts; `targeting_spec` is replaced as a whole.',
    tag: 'ad_groups',
    access: adAccount('campaigns:write'),
    rate: 'write',
    params: adAccountIdParamSchema,
    body: bulkBodySchema,
    bulkItem: adGroupUpdateItemSchema,
    response: adGroupBulkResponseSchema,
  })
  update(@CurrentActor() actor: Actor, @CurrentAdAccount() scope: AdAccountScope, @Body() items: unknown[]): Promise<{ items: BulkItem<AdGroup>[] }> {
    return this.adGroups.update(actor, scope, items);
  }

  @Get(':ad_group_id')
  @Route({
    summary: 'Get ad group',
    tag: 'ad_groups',
    access: adAccount('campaigns:read'),
    rate: 'read',
    params: adGroupParamsSchema,
    response: adGroupSchema,
  })
  get(@CurrentAdAccount() scope: AdAccountScope, @Param('ad_group_id') adGroupId: string): Promise<AdGroup> {
    return this.adGroups.get(scope.id, adGroupId);
  }
}
