import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  adGroupCreateItemSchema,
  adGroupUpdateItemSchema,
  type AdGroup,
  type AdGroupCreateItem,
  type AdGroupListQuery,
  type AdGroupUpdateItem,
  type BulkItem,
  type Campaign,
  type Page,
} from '@loupe/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor, AdAccountScope } from '../auth/request-context';
import { CampaignsService } from '../campaigns/campaigns.service';
import { bulkCreate, bulkUpdate, getAccountObject, lockAccountObject, mergeDefined, type WriteContext } from '../common/account-objects';
import { listAccountRows } from '../common/listing';
import { toPage } from '../common/pagination';
import { ServingChanges } from '../serving/serving-changes';
import { AD_GROUP, toAdGroup, type AdGroupRow } from './ad-group.kind';
import { checkAdGroup, defaultBidStrategy } from './ad-group.rules';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * Pinterest sends null for "not set" on flags Loupe stores as booleans, and `{}` to
 * remove tracking URLs; both are normalised before merging. A null bid strategy on an
 * update means "unchanged": every stored ad group has one (see `defaultBidStrategy`).
 */
function normaliseChanges<T extends AdGroupCreateItem | AdGroupUpdateItem>(item: T): T {
  const flag = (v: boolean | null | undefined): boolean | undefined => (v === null ? false : v);
  return {
    ...item,
    auto_targeting_enabled: flag(item.auto_targeting_enabled),
    is_creative_optimization: flag(item.is_creative_optimization),
    tracking_urls: item.tracking_urls && Object.keys(item.tracking_urls).length === 0 ? null : item.tracking_urls,
    bid_strategy_type: item.bid_strategy_type ?? undefined,
  };
}

@Injectable()
export class AdGroupsService {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly servingChanges: ServingChanges,
  ) {}

  private context(actor: Actor, adAccountId: string): WriteContext {
    return { dataSource: this.dataSource, audit: this.audit, actor, adAccountId };
  }

  async list(adAccountId: string, query: AdGroupListQuery): Promise<Page<AdGroup>> {
    const rows = await listAccountRows<AdGroupRow>(this.dataSource.manager, 'ad_groups', {
      adAccountId,
      filters: { id: query.ad_group_ids, campaign_id: query.campaign_ids, status: query.entity_statuses },
      order: query.order,
      bookmark: query.bookmark,
      pageSize: query.page_size,
    });
    return toPage(rows, query.page_size, (row) => toAdGroup(row, { interestNames: query.translate_interests_to_names }));
  }

  get(adAccountId: string, adGroupId: string): Promise<AdGroup> {
    return getAccountObject(this.dataSource.manager, AD_GROUP, adAccountId, adGroupId);
  }

  /** Creates each ad group on its own, under a campaign of the same ad account. */
  async create(actor: Actor, scope: AdAccountScope, items: unknown[]): Promise<{ items: BulkItem<AdGroup>[] }> {
    const result = await bulkCreate(this.context(actor, scope.id), AD_GROUP, items, adGroupCreateItemSchema, async (tx, raw) => {
      const item = normaliseChanges(raw);
      const campaign = await this.campaigns.lockParent(tx, scope.id, item.campaign_id);
      const bid = item.bid_in_micro_currency ?? null;
      const adGroup = {
        campaign_id: campaign.id,
        name: item.name,
        status: item.status,
        budget_in_micro_currency: item.budget_in_micro_currency ?? null,
        bid_in_micro_currency: bid,
        bid_strategy_type: item.bid_strategy_type ?? defaultBidStrategy(campaign, item.billable_event, bid),
        budget_type: item.budget_type,
        billable_event: item.billable_event,
        start_time: item.start_time ?? null,
        end_time: item.end_time ?? null,
        targeting_spec: item.targeting_spec ?? {},
        lifetime_frequency_cap: item.lifetime_frequency_cap ?? null,
        daily_frequency_cap: item.daily_frequency_cap ?? null,
        tracking_urls: item.tracking_urls ?? null,
        auto_targeting_enabled: item.auto_targeting_enabled ?? false,
        placement_group: item.placement_group,
        pacing_delivery_type: item.pacing_delivery_type,
        optimization_goal_metadata: item.optimization_goal_metadata ?? null,
        is_creative_optimization: item.is_creative_optimization ?? false,
      };
      checkAdGroup(adGroup, null, campaign, { now: nowSeconds(), currency: scope.currency });
      return { ...adGroup, lifetime_frequency_cap: adGroup.lifetime_frequency_cap ?? undefined, optimization_goal_metadata: adGroup.optimization_goal_metadata ?? undefined };
    });
    // After every item's transaction committed: the serving index reloads the account.
    await this.servingChanges.adAccountChanged(scope.id);
    return result;
  }

  async update(actor: Actor, scope: AdAccountScope, items: unknown[]): Promise<{ items: BulkItem<AdGroup>[] }> {
    const result = await bulkUpdate(this.context(actor, scope.id), AD_GROUP, items, adGroupUpdateItemSchema, async (tx, current, item) => {
      const campaign = await this.campaigns.lockParent(tx, scope.id, current.campaign_id);
      const next = mergeDefined(AD_GROUP, current, normaliseChanges(item));
      checkAdGroup(next, current, campaign, { now: nowSeconds(), currency: scope.currency });
      return next;
    });
    await this.servingChanges.adAccountChanged(scope.id);
    return result;
  }

  /**
   * The ad group an ad is created or changed under, share-locked for the rest of the
   * transaction, with its campaign (also share-locked): ads must refuse archived
   * parents. Another account's ad group is "not found".
   */
  async lockParent(tx: EntityManager, adAccountId: string, adGroupId: string): Promise<{ adGroup: AdGroup; campaign: Campaign }> {
    const adGroup = await lockAccountObject(tx, AD_GROUP, adAccountId, adGroupId, 'FOR SHARE');
    const campaign = await this.campaigns.lockParent(tx, adAccountId, adGroup.campaign_id);
    return { adGroup, campaign };
  }
}
