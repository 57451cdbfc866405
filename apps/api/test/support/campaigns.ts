import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { expect } from 'vitest';
import { expectPinterest, expectPinterestPage } from './pinterest-schema';
import { signUp, type TestUser } from './test-app';

/*
 * Helpers for tests that need campaigns and ad groups (campaigns, ad groups,
 * targeting, ads): they go through the public API, so every fixture obeys the same
 * business rules as a client's objects.
 */

export const HOUR = 3600;
export const DAY = 24 * HOUR;
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export interface BulkResult<T = Record<string, unknown>> {
  /** A failed item has exceptions and no `data` key (common/bulk.ts). */
  items: { data?: T; exceptions: { code: number; message: string }[] }[];
}

export function objectsOf(app: NestFastifyApplication, user: TestUser, kind: 'campaigns' | 'ad_groups') {
  const url = `/v5/ad_accounts/${user.adAccountId}/${kind}`;
  return {
    url,
    create: (items: unknown) => request(app.getHttpServer()).post(url).set('Authorization', user.auth).send(items as object),
    update: (items: unknown) => request(app.getHttpServer()).patch(url).set('Authorization', user.auth).send(items as object),
    list: (query: Record<string, string | number> = {}) => request(app.getHttpServer()).get(url).query(query).set('Authorization', user.auth),
    get: (id: string) => request(app.getHttpServer()).get(`${url}/${id}`).set('Authorization', user.auth),
  };
}

/** Creates one campaign (ACTIVE, CONSIDERATION unless overridden) and returns it. */
export async function createCampaign(app: NestFastifyApplication, user: TestUser, fields: Record<string, unknown> = {}): Promise<Record<string, unknown> & { id: string }> {
  const res = await objectsOf(app, user, 'campaigns').create([{ name: 'Spring sale', objective_type: 'CONSIDERATION', ...fields }]);
  const item = (res.body as BulkResult).items?.[0];
  if (res.status !== 200 || !item?.data) throw new Error(`campaign create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return item.data as Record<string, unknown> & { id: string };
}

/** A valid ad group body under `campaignId`: CPC, 50 units a day, bid 1 unit. */
export function adGroupBody(campaignId: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Shoppers',
    campaign_id: campaignId,
    billable_event: 'CLICKTHROUGH',
    budget_in_micro_currency: 50_000_000,
    bid_in_micro_currency: 1_000_000,
    ...fields,
  };
}

export async function createAdGroup(
  app: NestFastifyApplication,
  user: TestUser,
  campaignId: string,
  fields: Record<string, unknown> = {},
): Promise<Record<string, unknown> & { id: string }> {
  const res = await objectsOf(app, user, 'ad_groups').create([adGroupBody(campaignId, fields)]);
  const item = (res.body as BulkResult).items?.[0];
  if (res.status !== 200 || !item?.data) throw new Error(`ad group create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return item.data as Record<string, unknown> & { id: string };
}

/** Gives `member` a role on `owner`'s ad account. */
export async function addMember(app: NestFastifyApplication, owner: TestUser, member: TestUser, role: string): Promise<void> {
  const res = await request(app.getHttpServer())
    .post(`/v5/ad_accounts/${owner.adAccountId}/members`)
    .set('Authorization', owner.auth)
    .send({ email: member.email, role });
  if (res.status !== 201) throw new Error(`add member failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Signs up a fresh user and gives them `role` on `owner`'s ad account. */
export async function signUpMember(app: NestFastifyApplication, owner: TestUser, role: string): Promise<TestUser> {
  const member = await signUp(app);
  await addMember(app, owner, member, role);
  return member;
}

/**
 * Follows a list's bookmarks (ten pages at most), checks each page is a Pinterest page of
 * `component`, and answers the ids of each page.
 */
export async function pageIds(objects: ReturnType<typeof objectsOf>, component: string, query: Record<string, string | number>): Promise<string[][]> {
  const pages: string[][] = [];
  let bookmark: string | null = null;
  do {
    const res: request.Response = await objects.list(bookmark ? { ...query, bookmark } : query).expect(200);
    expectPinterestPage(component, res.body);
    pages.push(res.body.items.map((item: { id: string }) => item.id));
    bookmark = res.body.bookmark;
  } while (bookmark && pages.length < 10);
  return pages;
}

/** The audit log entries of one object, newest first. */
export async function auditOf(app: NestFastifyApplication, user: TestUser, objectId: string): Promise<{ action: string; object_type: string; old_values: unknown; new_values: unknown }[]> {
  const res = await request(app.getHttpServer())
    .get(`/v5/ad_accounts/${user.adAccountId}/audit_log`)
    .query({ object_id: objectId })
    .set('Authorization', user.auth)
    .expect(200);
  return res.body.items;
}

/**
 * Validates a bulk create/update answer against Pinterest's item component
 * (`CampaignCreateResponseItem`, `AdGroupArrayResponseElement`, …). Failed items carry
 * exceptions and no `data` (common/bulk.ts), as Pinterest's schema allows.
 */
export function expectPinterestBulk(itemComponent: string, body: unknown): void {
  const items = (body as BulkResult).items;
  if (!Array.isArray(items)) throw new Error(`not a bulk response: ${JSON.stringify(body).slice(0, 500)}`);
  for (const item of items) {
    expect(item.data === undefined).toBe(item.exceptions.length > 0);
    expectPinterest(itemComponent, item);
  }
}
