import type { Ad, AdCtaType, AdRejectedReason, AdSummaryStatus, ObjectStatus, TrackingUrls } from '@loupe/contracts';
import { toUnixSeconds, type AccountObjectKind } from '../common/account-objects';

export type AdReviewState = 'PENDING' | 'APPROVED' | 'REJECTED';

/** An `ads` row as pg returns it (bigint as string, timestamptz as Date, text[] as arrays). */
export interface AdRow {
  id: string;
  ad_account_id: string;
  campaign_id: string;
  ad_group_id: string;
  pin_id: string;
  name: string | null;
  creative_type: 'REGULAR';
  status: ObjectStatus;
  destination_url: string | null;
  click_tracking_url: string | null;
  view_tracking_url: string | null;
  tracking_urls: TrackingUrls | null;
  android_deep_link: string | null;
  ios_deep_link: string | null;
  customizable_cta_type: AdCtaType | null;
  review_status: AdReviewState;
  rejected_reasons: AdRejectedReason[];
  rejection_labels: string[];
  created_at: Date;
  updated_at: Date;
}

/** Pinterest's summary status of an ad: the lifecycle first, then the review, then paused or not. */
export function adSummaryStatus(status: ObjectStatus, review: AdReviewState): AdSummaryStatus {
  if (status === 'ARCHIVED' || status === 'DRAFT') return status;
  if (review !== 'APPROVED') return review;
  return status === 'PAUSED' ? 'PAUSED' : 'APPROVED';
}

/** Pinterest's `AdResponse`. */
export function toAd(row: AdRow): Ad {
  return {
    id: row.id,
    ad_account_id: row.ad_account_id,
    campaign_id: row.campaign_id,
    ad_group_id: row.ad_group_id,
    pin_id: row.pin_id,
    type: 'pinpromotion',
    name: row.name,
    creative_type: row.creative_type,
    status: row.status,
    destination_url: row.destination_url,
    click_tracking_url: row.click_tracking_url,
    view_tracking_url: row.view_tracking_url,
    tracking_urls: row.tracking_urls,
    android_deep_link: row.android_deep_link,
    ios_deep_link: row.ios_deep_link,
    customizable_cta_type: row.customizable_cta_type,
    // Loupe's serving sends every click to the destination (Pinterest's default for direct links).
    grid_click_type: 'DIRECT_TO_DESTINATION',
    // Pins cannot be deleted in Loupe, and promoted pins are not repinnable.
    is_pin_deleted: false,
    is_removable: false,
    carousel_android_deep_links: null,
    carousel_destination_urls: null,
    carousel_ios_deep_links: null,
    collection_items_destination_url_template: null,
    disclosure_type: null,
    disclosure_url: null,
    lead_form_id: null,
    quiz_pin_data: null,
    review_status: row.review_status,
    rejected_reasons: row.rejected_reasons,
    rejection_labels: row.rejection_labels,
    summary_status: adSummaryStatus(row.status, row.review_status),
    created_time: toUnixSeconds(row.created_at)!,
    updated_time: toUnixSeconds(row.updated_at)!,
  };
}

/**
 * How ads are stored, read and audited (see common/account-objects.ts). The review
 * fields are written by the service (never by a client: they are not in the request
 * schemas), so the audit log records each verdict with the change that caused it.
 */
export const AD: AccountObjectKind<AdRow, Ad> = {
  table: 'ads',
  auditType: 'AD',
  label: 'Ad',
  fields: {
    campaign_id: 'plain',
    ad_group_id: 'plain',
    pin_id: 'plain',
    creative_type: 'plain',
    name: 'plain',
    status: 'plain',
    destination_url: 'plain',
    click_tracking_url: 'plain',
    view_tracking_url: 'plain',
    tracking_urls: 'json',
    android_deep_link: 'plain',
    ios_deep_link: 'plain',
    customizable_cta_type: 'plain',
    review_status: 'plain',
    rejected_reasons: 'plain',
    rejection_labels: 'plain',
  },
  present: toAd,
};
