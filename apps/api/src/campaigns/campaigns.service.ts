import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  campaignCreateItemSchema,
  campaignUpdateItemSchema,
  type BulkItem,
  type Campaign,
  type CampaignCreateItem,
  type CampaignListQuery,
  type CampaignUpdateItem,
  type Page,
} from '@loupe/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/request-context';
import {
  assertSameAdAccount,
  bulkCreate,
  bulkUpdate,
  getAccountObject,
  lockAccountObject,
  mergeDefined,
  type WriteContext,
} from '../common/account-objects';
import { listAccountRows } from '../common/listing';
import { toPage } from '../common/pagination';
import { ServingChanges } from '../serving/serving-changes';
import { CAMPAIGN, toCampaign, type CampaignRow } from './campaign.kind';
import { checkCampaign } from './campaign.rules';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * Pinterest sends null for "not set" on flags Loupe stores as booleans, and `{}` to
 * remove tracking URLs; both are normalised before merging.
 */
function normaliseChanges<T extends CampaignCreateItem | CampaignUpdateItem>(item: T): T {
  const flag = (v: boolean | null | undefined): boolean | undefined => (v === null ? false : v);
  return {
    ...item,
    is_flexible_daily_budgets: flag(item.is_flexible_daily_budgets),
    is_automated_campaign: flag(item.is_automated_campaign),
    tracking_urls: item.tracking_urls && Object.keys(item.tracking_urls).length === 0 ? null : item.tracking_urls,
  };
}

@Injectable()
export class CampaignsService {
  constructor(
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly servingChanges: ServingChanges,
  ) {}

  private context(actor: Actor, adAccountId: string): WriteContext {
    return { dataSource: this.dataSource, audit: this.audit, actor, adAccountId };
  }

  async list(adAccountId: string, query: CampaignListQuery): Promise<Page<Campaign>> {
    const rows = await listAccountRows<CampaignRow>(this.dataSource.manager, 'campaigns', {
      adAccountId,
      filters: { id: query.campaign_ids, status: query.entity_statuses },
      order: query.order,
      bookmark: query.bookmark,
      pageSize: query.page_size,
    });
    return toPage(rows, query.page_size, toCampaign);
  }

  get(adAccountId: string, campaignId: string): Promise<Campaign> {
    return getAccountObject(this.dataSource.manager, CAMPAIGN, adAccountId, campaignId);
  }

  /** Creates each campaign on its own; `start_time` defaults to now, as in Pinterest. */
  async create(actor: Actor, adAccountId: string, items: unknown[]): Promise<{ items: BulkItem<Campaign>[] }> {
    const result = await bulkCreate(this.context(actor, adAccountId), CAMPAIGN, items, campaignCreateItemSchema, async (_tx, raw) => {
      assertSameAdAccount(raw.ad_account_id, adAccountId);
      const item = normaliseChanges(raw);
      const now = nowSeconds();
      const campaign = {
        name: item.name,
        status: item.status,
        objective_type: item.objective_type,
        daily_spend_cap: item.daily_spend_cap ?? null,
        lifetime_spend_cap: item.lifetime_spend_cap ?? null,
        start_time: item.start_time ?? now,
        end_time: item.end_time ?? null,
        order_line_id: item.order_line_id ?? null,
        tracking_urls: item.tracking_urls ?? null,
        is_flexible_daily_budgets: item.is_flexible_daily_budgets ?? false,
        is_automated_campaign: item.is_automated_campaign ?? false,
        is_performance_plus: item.is_performance_plus ?? false,
        default_ad_group_budget_in_micro_currency: item.default_ad_group_budget_in_micro_currency ?? null,
      } satisfies Partial<Campaign>;
      checkCampaign(campaign, null, now);
      return campaign;
    });
    // After every item's transaction committed: the serving index reloads the account.
    await this.servingChanges.adAccountChanged(adAccountId);
    return result;
  }

  async update(actor: Actor, adAccountId: string, items: unknown[]): Promise<{ items: BulkItem<Campaign>[] }> {
    const result = await bulkUpdate(this.context(actor, adAccountId), CAMPAIGN, items, campaignUpdateItemSchema, async (_tx, current, item) => {
      // An update's null objective means "unchanged" (the spec makes it nullable there only).
      const next = mergeDefined(CAMPAIGN, current, { ...normaliseChanges(item), objective_type: item.objective_type ?? undefined });
      checkCampaign(next, current, nowSeconds());
      return next;
    });
    await this.servingChanges.adAccountChanged(adAccountId);
    return result;
  }

  /**
   * The campaign an ad group (or ad) is created or changed under, share-locked for the
   * rest of the transaction so it cannot be archived or rescheduled meanwhile. Another
   * account's campaign is "not found".
   */
  lockParent(tx: EntityManager, adAccountId: string, campaignId: string): Promise<Campaign> {
    return lockAccountObject(tx, CAMPAIGN, adAccountId, campaignId, 'FOR SHARE');
  }
}
