import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  adAccountIdParamSchema,
  adBulkResponseSchema,
  adCreateItemSchema,
  adListQuerySchema,
  adPageSchema,
  adParamsSchema,
  adSchema,
  adUpdateItemSchema,
  bulkBodySchema,
  type Ad,
  type AdListQuery,
  type BulkItem,
  type Page,
} from '@loupe/contracts';
import { CurrentActor, CurrentAdAccount, type Actor, type AdAccountScope } from '../auth/request-context';
import { adAccount, Route } from '../common/route.decorator';
import { AdsService } from './ads.service';

const REVIEW =
  "Every ad is checked by Loupe's automatic ad policy (not human review) when it is created or its pin, destination or DRAFT status changes: it needs a destination (destination_url, else the pin's link) that is an http(s) URL, a pin image served over https, a pin title, and no prohibited terms in the pin's title, description or alt text. The verdict is immediate: review_status APPROVED, or REJECTED with rejected_reasons and readable rejection_labels. DRAFT ads are not submitted and stay PENDING. Only APPROVED ads are served.";

@Controller('v5/ad_accounts/:ad_account_id/ads')
export class AdsController {
  constructor(private readonly ads: AdsService) {}

  @Get()
  @Route({
    summary: 'List ads',
    description: 'Filters are ANDed: `campaign_ids`, `ad_group_ids`, `ad_ids`, `entity_statuses` (default ACTIVE and PAUSED, as in Pinterest). Ordered by id (`order`), bookmark-paginated.',
    tag: 'ads',
    access: adAccount('campaigns:read'),
    rate: 'read',
    params: adAccountIdParamSchema,
    query: adListQuerySchema,
    response: adPageSchema,
  })
  list(@CurrentAdAccount() scope: AdAccountScope, @Query() query: AdListQuery): Promise<Page<Ad>> {
    return this.ads.list(scope.id, query);
  }

  @Post()
  @HttpCode(200)
  @Route({
    summary: 'Create ads',
    description: `Creates 1–30 ads (promoted pins); each item succeeds or fails on its own (\`{items: [{data, exceptions}]}\`). The ad group must be in this ad account and not archived (nor its campaign); the pin must belong to this ad account's business (POST /v5/pins). Only creative_type REGULAR is supported. ${REVIEW}`,
    tag: 'ads',
    access: adAccount('campaigns:write'),
    rate: 'write',
    params: adAccountIdParamSchema,
    body: bulkBodySchema,
    bulkItem: adCreateItemSchema,
    response: adBulkResponseSchema,
  })
  create(@CurrentActor() actor: Actor, @CurrentAdAccount() scope: AdAccountScope, @Body() items: unknown[]): Promise<{ items: BulkItem<Ad>[] }> {
    return this.ads.create(actor, scope.id, items);
  }

  @Patch()
  @Route({
    summary: 'Update ads',
    description: `Updates 1–30 ads by \`id\`; omitted fields keep their values, null clears a nullable field. Archived ads are read-only, and ads of an archived ad group or campaign can only be archived. An ad never moves to another ad group; \`pin_id\` changes only while the ad is a DRAFT, and an ad that left DRAFT cannot return to it. ${REVIEW}`,
    tag: 'ads',
    access: adAccount('campaigns:write'),
    rate: 'write',
    params: adAccountIdParamSchema,
    body: bulkBodySchema,
    bulkItem: adUpdateItemSchema,
    response: adBulkResponseSchema,
  })
  update(@CurrentActor() actor: Actor, @CurrentAdAccount() scope: AdAccountScope, @Body() items: unknown[]): Promise<{ items: BulkItem<Ad>[] }> {
    return this.ads.update(actor, scope.id, items);
  }

  @Get(':ad_id')
  @Route({
    summary: 'Get ad',
    tag: 'ads',
    access: adAccount('campaigns:read'),
    rate: 'read',
    params: adParamsSchema,
    response: adSchema,
  })
  get(@CurrentAdAccount() scope: AdAccountScope, @Param('ad_id') adId: string): Promise<Ad> {
    return this.ads.get(scope.id, adId);
  }
}
