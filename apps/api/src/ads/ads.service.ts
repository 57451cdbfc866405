import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  adCreateItemSchema,
  adUpdateItemSchema,
  type Ad,
  type AdGroup,
  type AdListQuery,
  type BulkItem,
  type Campaign,
  type Page,
} from '@loupe/contracts';
import { NotFoundException } from '@loupe/server-core';
import { DataSource, type EntityManager } from 'typeorm';
import { AdGroupsService } from '../ad-groups/ad-groups.service';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/request-context';
import { bulkCreate, bulkUpdate, getAccountObject, mergeDefined, type WriteContext } from '../common/account-objects';
import { listAccountRows } from '../common/listing';
import { toPage } from '../common/pagination';
import { invalidField } from '../common/rule-errors';
import { PinsService } from '../pins/pins.service';
import { ServingChanges } from '../serving/serving-changes';
import { reviewAd } from './ad-review';
import { AD, toAd, type AdRow } from './ad.kind';

type Review = Pick<Ad, 'review_status' | 'rejected_reasons' | 'rejection_labels'>;

/** Archived parents are read-only: no new ads under them, and their ads can only be archived. */
function assertLiveParents(adGroup: AdGroup, campaign: Campaign, consequence: string): void {
  if (adGroup.status === 'ARCHIVED') throw invalidField('ad_group_id', `ad group ${adGroup.id} is ARCHIVED; ${consequence}`);
  if (campaign.status === 'ARCHIVED') {
    throw invalidField('ad_group_id', `campaign ${campaign.id} of ad group ${adGroup.id} is ARCHIVED; ${consequence}`);
  }
}

/**
 * Ads: promoted pins inside ad groups, written through the shared account-object path
 * (one transaction per bulk item, archived ads read-only, changed fields audited).
 *
 * Review: an ad is submitted to Loupe's automatic policy check (ad-review.ts) when it
 * is created, leaves DRAFT, or its pin or destination changes; the verdict (APPROVED
 * or REJECTED with reasons) is stored with the change and audited with it. A DRAFT is
 * not submitted and stays PENDING. Pausing, renaming or tracking changes keep the verdict.
 */
@Injectable()
export class AdsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly adGroups: AdGroupsService,
    private readonly pins: PinsService,
    private readonly servingChanges: ServingChanges,
  ) {}

  private context(actor: Actor, adAccountId: string): WriteContext {
    return { dataSource: this.dataSource, audit: this.audit, actor, adAccountId };
  }

  async list(adAccountId: string, query: AdListQuery): Promise<Page<Ad>> {
    const rows = await listAccountRows<AdRow>(this.dataSource.manager, 'ads', {
      adAccountId,
      filters: { id: query.ad_ids, campaign_id: query.campaign_ids, ad_group_id: query.ad_group_ids, status: query.entity_statuses },
      order: query.order,
      bookmark: query.bookmark,
      pageSize: query.page_size,
    });
    return toPage(rows, query.page_size, toAd);
  }

  get(adAccountId: string, adId: string): Promise<Ad> {
    return getAccountObject(this.dataSource.manager, AD, adAccountId, adId);
  }

  /** Each ad on its own: a live ad group of this account, a pin of this account's business. */
  async create(actor: Actor, adAccountId: string, items: unknown[]): Promise<{ items: BulkItem<Ad>[] }> {
    const result = await bulkCreate(this.context(actor, adAccountId), AD, items, adCreateItemSchema, async (tx, item) => {
      const { adGroup, campaign } = await this.adGroups.lockParent(tx, adAccountId, item.ad_group_id);
      assertLiveParents(adGroup, campaign, 'archived objects are read-only, so no ads can be added to it.');
      const ad = {
        campaign_id: campaign.id,
        ad_group_id: adGroup.id,
        pin_id: item.pin_id,
        creative_type: item.creative_type,
        name: item.name ?? null,
        status: item.status,
        destination_url: item.destination_url ?? null,
        click_tracking_url: item.click_tracking_url ?? null,
        view_tracking_url: item.view_tracking_url ?? null,
        tracking_urls: emptyToNull(item.tracking_urls) ?? null,
        android_deep_link: item.android_deep_link ?? null,
        ios_deep_link: item.ios_deep_link ?? null,
        customizable_cta_type: item.customizable_cta_type ?? null,
      } satisfies Partial<Ad>;
      return { ...ad, ...(await this.review(tx, adAccountId, ad)) };
    });
    // After every item's transaction committed (review verdicts included): the serving index reloads the account.
    await this.servingChanges.adAccountChanged(adAccountId);
    return result;
  }

  /**
   * Each ad on its own. An ad never moves to another ad group; its pin changes only while
   * it is a DRAFT (as in Pinterest); under an archived ad group or campaign it can only be
   * archived. Status moves and archived ads are checked by the shared write path.
   */
  async update(actor: Actor, adAccountId: string, items: unknown[]): Promise<{ items: BulkItem<Ad>[] }> {
    const result = await bulkUpdate(this.context(actor, adAccountId), AD, items, adUpdateItemSchema, async (tx, current, item) => {
      if (item.ad_group_id !== undefined && item.ad_group_id !== current.ad_group_id) {
        throw invalidField(
          'ad_group_id',
          `an ad cannot move to another ad group (ad ${current.id} is in ${current.ad_group_id}); create a new ad in ad group ${item.ad_group_id}.`,
        );
      }
      // The spec makes pin_id nullable on updates; null means "unchanged".
      const pinId = item.pin_id ?? current.pin_id;
      if (pinId !== current.pin_id && current.status !== 'DRAFT') {
        throw invalidField('pin_id', `can change only while the ad is a DRAFT (ad ${current.id} is ${current.status}); create a new ad to promote another pin.`);
      }
      const next = mergeDefined(AD, current, { ...item, pin_id: pinId, tracking_urls: emptyToNull(item.tracking_urls) });
      if (next.status !== 'ARCHIVED') {
        const { adGroup, campaign } = await this.adGroups.lockParent(tx, adAccountId, current.ad_group_id);
        assertLiveParents(adGroup, campaign, 'archived objects are read-only, so its ads can only be archived.');
      }
      const resubmit =
        (current.status === 'DRAFT') !== (next.status === 'DRAFT') ||
        next.pin_id !== current.pin_id ||
        next.destination_url !== current.destination_url;
      return resubmit ? { ...next, ...(await this.review(tx, adAccountId, next)) } : next;
    });
    await this.servingChanges.adAccountChanged(adAccountId);
    return result;
  }

  /** A DRAFT is not submitted (PENDING); anything else gets the automatic verdict at once. */
  private async review(tx: EntityManager, adAccountId: string, ad: Pick<Ad, 'status' | 'pin_id' | 'destination_url'>): Promise<Review> {
    // The pin must belong to this account's business whether or not the ad is submitted.
    const pin = await this.pins.findForBusiness(tx, ad.pin_id, await this.businessOf(tx, adAccountId));
    if (ad.status === 'DRAFT') return { review_status: 'PENDING', rejected_reasons: [], rejection_labels: [] };
    return reviewAd({ destinationUrl: ad.destination_url, pin });
  }

  private async businessOf(tx: EntityManager, adAccountId: string): Promise<string> {
    const [account] = await tx.query<{ business_id: string }[]>(`SELECT business_id FROM ad_accounts WHERE id = $1`, [adAccountId]);
    if (!account) throw new NotFoundException('Ad account not found.');
    return account.business_id;
  }
}

/** Pinterest clients send `{}` to remove tracking URLs, as for campaigns and ad groups. */
function emptyToNull<T extends object>(value: T | null | undefined): T | null | undefined {
  return value && Object.keys(value).length === 0 ? null : value;
}
