import { randomUUID } from 'node:crypto';
import type { AdAccountRole } from '@loupe/contracts';
import { LOUPE_CONFIG, type LoupeConfig } from '@loupe/server-core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { routeKey, type CatalogRoute } from '../../src/openapi/route-catalog';
import { signEvent } from '../../src/tracking/signed-event';
import { signUp, type TestUser } from './test-app';

/**
 * Fixtures for the guard tests that walk the whole route catalog (tenant isolation,
 * bad input): one ad account with one object of every kind a route's path can name,
 * created through the API, and a valid sample body for every write route we know.
 *
 * A route whose path names a parameter with no fixture here makes the guard tests
 * fail on purpose: add a builder to `FIXTURE_BUILDERS` (and, for writes, a sample body
 * to `sampleBody`) when you add such a route.
 */

export type Fixtures = Record<string, string>;

export interface World {
  owner: TestUser;
  ids: Fixtures;
  /** A's objects that a foreign caller must never see (ids and the owner's email). */
  secrets: string[];
}

type Json = Record<string, unknown>;

const routeExists = (routes: readonly CatalogRoute[], method: string, path: string) =>
  routes.some((r) => r.method === method && r.path === path);

async function bulkCreate(app: NestFastifyApplication, owner: TestUser, path: string, item: Json): Promise<string> {
  const res = await request(app.getHttpServer()).post(path).set('Authorization', owner.auth).send([item]);
  const data = (res.body as { items?: { data: { id: string } | null; exceptions: unknown[] }[] }).items?.[0];
  if (res.status >= 300 || !data?.data) throw new Error(`fixture: POST ${path} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return data.data.id;
}

/** In dependency order: later builders may use ids of earlier ones. */
const FIXTURE_BUILDERS: [param: string, build: (app: NestFastifyApplication, routes: readonly CatalogRoute[], owner: TestUser, ids: Fixtures) => Promise<string | undefined>][] = [
  ['ad_account_id', async (_app, _routes, owner) => owner.adAccountId],
  [
    'pin_id',
    async (app, routes, owner) => {
      if (!routeExists(routes, 'POST', '/v5/pins')) return undefined;
      const res = await request(app.getHttpServer())
        .post(`/v5/pins?ad_account_id=${owner.adAccountId}`)
        .set('Authorization', owner.auth)
        .send(samplePin());
      if (res.status !== 201) throw new Error(`fixture: POST /v5/pins failed: ${res.status} ${JSON.stringify(res.body)}`);
      return (res.body as { id: string }).id;
    },
  ],
  [
    'campaign_id',
    async (app, routes, owner) => {
      const path = '/v5/ad_accounts/:ad_account_id/campaigns';
      if (!routeExists(routes, 'POST', path)) return undefined;
      return bulkCreate(app, owner, `/v5/ad_accounts/${owner.adAccountId}/campaigns`, sampleCampaign(owner.adAccountId));
    },
  ],
  [
    'ad_group_id',
    async (app, routes, owner, ids) => {
      const path = '/v5/ad_accounts/:ad_account_id/ad_groups';
      if (!routeExists(routes, 'POST', path) || !ids.campaign_id) return undefined;
      return bulkCreate(app, owner, `/v5/ad_accounts/${owner.adAccountId}/ad_groups`, sampleAdGroup(ids.campaign_id));
    },
  ],
  [
    'ad_id',
    async (app, routes, owner, ids) => {
      const path = '/v5/ad_accounts/:ad_account_id/ads';
      if (!routeExists(routes, 'POST', path) || !ids.ad_group_id || !ids.pin_id) return undefined;
      return bulkCreate(app, owner, `/v5/ad_accounts/${owner.adAccountId}/ads`, sampleAd(ids.ad_group_id, ids.pin_id));
    },
  ],
  [
    'saved_report_id',
    // Shared with the whole account, so every member the tests add can see it.
    async (app, routes, owner) => {
      if (!routeExists(routes, 'POST', '/v5/ad_accounts/:ad_account_id/saved_reports')) return undefined;
      const res = await request(app.getHttpServer())
        .post(`/v5/ad_accounts/${owner.adAccountId}/saved_reports`)
        .set('Authorization', owner.auth)
        .send({ ...sampleSavedReport(owner.adAccountId), shared_with_account: true });
      if (res.status !== 201) throw new Error(`fixture: POST saved_reports failed: ${res.status} ${JSON.stringify(res.body)}`);
      return (res.body as { id: string }).id;
    },
  ],
  [
    'user_id',
    // A member who is nobody's test principal, so removing them breaks nothing.
    async (app, routes, owner) => {
      const victim = await signUp(app);
      await addMember(app, routes, owner, victim, 'ANALYST');
      return victim.userId;
    },
  ],
  [
    'email',
    async (app, routes, owner) => {
      if (!routeExists(routes, 'POST', '/v5/ad_accounts/:ad_account_id/members')) return undefined;
      const email = `invitee-${randomUUID()}@test.loupe.dev`;
      await request(app.getHttpServer())
        .post(`/v5/ad_accounts/${owner.adAccountId}/members`)
        .set('Authorization', owner.auth)
        .send({ email, role: 'ANALYST' })
        .expect(201);
      return email;
    },
  ],
  [
    'token',
    // A signed tracking token for the account's ad (tracking routes are public: the token is the authorization).
    async (app, _routes, owner, ids) => {
      const config = app.get<LoupeConfig>(LOUPE_CONFIG);
      return signEvent(
        {
          auctionId: `fixture-${randomUUID()}`,
          slot: 0,
          adId: ids.ad_id ?? '0',
          adGroupId: ids.ad_group_id ?? '0',
          campaignId: ids.campaign_id ?? '0',
          adAccountId: owner.adAccountId,
          pinId: ids.pin_id ?? '0',
          priceMicros: 1_000,
          billableEvent: 'IMPRESSION',
          userKey: 'fixture-user',
          placement: 'BROWSE',
          ageBucket: '',
          gender: '',
          location: '',
          device: '',
          locale: '',
          interest: '',
          issuedAt: Math.floor(Date.now() / 1000),
        },
        config.tracking.secret,
      );
    },
  ],
  [
    'token_id',
    async (app, routes, owner) => {
      if (!routeExists(routes, 'POST', '/v5/auth/tokens')) return undefined;
      const res = await request(app.getHttpServer()).post('/v5/auth/tokens').set('Authorization', owner.auth).send({ name: 'fixture token' }).expect(201);
      return (res.body as { id: string }).id;
    },
  ],
  [
    // A month long ended in every timezone, so finance may close it (the world's accounts are in UTC).
    'period',
    async () => '2020-01',
  ],
  [
    // The invoice of the current month, which always exists (numeric: account id + YYYYMM).
    'billing_invoice_id',
    async (_app, _routes, owner) => `${owner.adAccountId}${new Date().toISOString().slice(0, 7).replace('-', '')}`,
  ],
];

/** Path parameters the fixtures know how to fill. */
export const FIXTURE_PARAMS = FIXTURE_BUILDERS.map(([param]) => param);

/** A fresh user with an ad account holding one object of each kind the catalog's routes name. */
export async function buildWorld(app: NestFastifyApplication, routes: readonly CatalogRoute[], currency = 'USD'): Promise<World> {
  const owner = await signUp(app, { currency });
  const ids: Fixtures = {};
  for (const [param, build] of FIXTURE_BUILDERS) {
    const id = await build(app, routes, owner, ids);
    if (id !== undefined) ids[param] = id;
  }
  return { owner, ids, secrets: [...Object.values(ids), owner.email] };
}

/** Routes whose path names a parameter the world has no object for (the tests fail on these). */
export function unfixturedRoutes(routes: readonly CatalogRoute[], ids: Fixtures): string[] {
  return routes.filter((r) => r.pathParams.some((p) => !(p in ids))).map((r) => `${routeKey(r)} (no fixture for :${r.pathParams.find((p) => !(p in ids))})`);
}

export function fillPath(route: CatalogRoute, ids: Fixtures): string {
  return route.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => encodeURIComponent(ids[name] ?? `missing-${name}`));
}

/** Gives `user` a role on the owner's account: through the invite route when there is one. */
export async function addMember(app: NestFastifyApplication, routes: readonly CatalogRoute[], owner: TestUser, user: TestUser, role: AdAccountRole): Promise<void> {
  if (routeExists(routes, 'POST', '/v5/ad_accounts/:ad_account_id/members')) {
    await request(app.getHttpServer())
      .post(`/v5/ad_accounts/${owner.adAccountId}/members`)
      .set('Authorization', owner.auth)
      .send({ email: user.email, role })
      .expect(201);
    return;
  }
  await app.get(DataSource).query(`INSERT INTO ad_account_members (ad_account_id, user_id, role) VALUES ($1, $2, $3)`, [owner.adAccountId, user.userId, role]);
}

export function samplePin(): Json {
  return { title: 'Fixture pin', alt_text: 'A lamp', link: 'https://example.com/lamp', media_source: { source_type: 'image_url', url: 'https://example.com/lamp.jpg' } };
}

export function sampleSavedReport(adAccountId: string): Json {
  const today = new Date().toISOString().slice(0, 10);
  return { name: `Fixture report ${randomUUID().slice(0, 8)}`, definition: { ad_account_ids: [adAccountId], start_date: today, end_date: today, dimensions: ['campaign'], metrics: ['spend', 'ctr'] } };
}

export function sampleCampaign(_adAccountId: string): Json {
  return { ad_account_id: _adAccountId, name: `Fixture campaign ${randomUUID().slice(0, 8)}`, objective_type: 'AWARENESS', status: 'PAUSED' };
}

const DAY = 24 * 3600;
export function sampleAdGroup(campaignId: string): Json {
  const start = Math.floor(Date.now() / 1000) + DAY;
  return {
    campaign_id: campaignId,
    name: `Fixture ad group ${randomUUID().slice(0, 8)}`,
    status: 'PAUSED',
    budget_type: 'DAILY',
    budget_in_micro_currency: 20_000_000,
    bid_in_micro_currency: 3_000_000,
    billable_event: 'IMPRESSION',
    start_time: start,
    end_time: start + 30 * DAY,
    targeting_spec: { LOCATION: ['US'], GENDER: ['female'], AGE_BUCKET: ['25-34'] },
  };
}

export function sampleAd(adGroupId: string, pinId: string): Json {
  return { ad_group_id: adGroupId, pin_id: pinId, creative_type: 'REGULAR', status: 'PAUSED', destination_url: 'https://example.com/lamp' };
}

/**
 * A valid body for a write route, when we know one. Bodies for routes not listed are
 * derived from the route's JSON Schema (required fields with plausible values), which
 * is enough for the guards: they only need something shaped like a request.
 */
export function sampleBody(route: CatalogRoute, ids: Fixtures): unknown {
  const account = ids.ad_account_id ?? '0';
  switch (routeKey(route)) {
    case 'POST /v5/auth/signup':
      return { email: `signup-${randomUUID()}@test.loupe.dev`, password: 'correct horse battery', business_name: 'B', ad_account: { name: 'A' } };
    case 'POST /v5/auth/login':
      return { email: 'nobody@test.loupe.dev', password: 'wrong password!' };
    case 'POST /v5/auth/tokens':
      return { name: 'sample token' };
    case 'POST /v5/ad_accounts':
      return { name: 'Sample account', country: 'US', currency: 'USD' };
    case 'PATCH /v5/ad_accounts/:ad_account_id':
      return { name: `Renamed ${randomUUID().slice(0, 6)}` };
    case 'POST /v5/ad_accounts/:ad_account_id/members':
      return { email: `sample-${randomUUID()}@test.loupe.dev`, role: 'ANALYST' };
    case 'PATCH /v5/ad_accounts/:ad_account_id/members/:user_id':
      return { role: 'CAMPAIGN_MANAGER' };
    case 'POST /v5/ad_accounts/:ad_account_id/bid_floor':
      return { bid_floor_specs: [{ billable_event: 'IMPRESSION', currency: 'USD', placement_group: 'SEARCH' }] };
    case 'POST /v5/ad_accounts/:ad_account_id/ad_groups/audience_sizing':
      return { targeting_spec: { LOCATION: ['US'], GENDER: ['female'] }, placement_group: 'ALL' };
    case 'POST /v5/pins':
      return samplePin();
    case 'POST /v5/ad_accounts/:ad_account_id/campaigns':
      return [sampleCampaign(account)];
    case 'PATCH /v5/ad_accounts/:ad_account_id/campaigns':
      return [{ id: ids.campaign_id, ad_account_id: account, name: `Renamed ${randomUUID().slice(0, 6)}` }];
    case 'POST /v5/ad_accounts/:ad_account_id/ad_groups':
      return [sampleAdGroup(ids.campaign_id ?? '0')];
    case 'PATCH /v5/ad_accounts/:ad_account_id/ad_groups':
      return [{ id: ids.ad_group_id, name: `Renamed ${randomUUID().slice(0, 6)}` }];
    case 'POST /v5/ad_accounts/:ad_account_id/ads':
      return [sampleAd(ids.ad_group_id ?? '0', ids.pin_id ?? '0')];
    case 'POST /v5/ad_accounts/:ad_account_id/saved_reports':
      return sampleSavedReport(account);
    case 'PATCH /v5/ad_accounts/:ad_account_id/saved_reports/:saved_report_id':
      return { name: `Renamed ${randomUUID().slice(0, 6)}` };
    case 'POST /v5/ad_accounts/:ad_account_id/saved_reports/:saved_report_id/run':
      return { page_size: 10 };
    case 'POST /v5/ad_accounts/:ad_account_id/reports': {
      const today = new Date().toISOString().slice(0, 10);
      return { start_date: today, end_date: today, granularity: 'DAY', level: 'CAMPAIGN', columns: ['SPEND_IN_MICRO_DOLLAR'] };
    }
    case 'POST /v5/reports/query': {
      const today = new Date().toISOString().slice(0, 10);
      return { ad_account_ids: [account], start_date: today, end_date: today, metrics: ['spend'] };
    }
    case 'PATCH /v5/ad_accounts/:ad_account_id/ads':
      return [{ id: ids.ad_id, name: `Renamed ${randomUUID().slice(0, 6)}` }];
    case 'POST /t/e/:token':
      return { type: 'SAVE' };
    case 'POST /v5/ad_accounts/:ad_account_id/events':
      return {
        data: [
          {
            event_name: 'checkout',
            action_source: 'web',
            event_time: Math.floor(Date.now() / 1000) - 60,
            event_id: `fixture-${randomUUID()}`,
            user_data: { em: ['b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514'] },
            custom_data: { currency: 'USD', value: '1.00' },
          },
        ],
      };
  }
  const schema = route.contract?.bulkItem ?? route.contract?.body;
  if (!schema) return undefined;
  const generated = exampleFromSchema(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json, ids);
  return route.contract?.bulkItem ? [generated] : generated;
}

/** A plausible value for a JSON Schema: required properties only, first enum values, minimums. */
export function exampleFromSchema(schema: Json, ids: Fixtures, depth = 0): unknown {
  if (depth > 6) return null;
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const variants = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (variants) return exampleFromSchema(variants.find((v) => v.type !== 'null') ?? variants[0]!, ids, depth + 1);
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Json>;
      const required = (schema.required ?? []) as string[];
      return Object.fromEntries(required.map((name) => [name, name in ids ? ids[name] : exampleFromSchema(properties[name] ?? {}, ids, depth + 1)]));
    }
    case 'array': {
      const min = (schema.minItems as number | undefined) ?? 0;
      return Array.from({ length: Math.max(min, 1) }, () => exampleFromSchema((schema.items ?? {}) as Json, ids, depth + 1));
    }
    case 'integer':
    case 'number':
      return Math.max(1, (schema.minimum as number | undefined) ?? 1);
    case 'boolean':
      return true;
    case 'string':
      if (schema.format === 'email') return `example-${randomUUID()}@test.loupe.dev`;
      if (typeof schema.pattern === 'string' && schema.pattern.includes('\\d')) return ids.ad_account_id ?? '1';
      return 'example';
    default:
      return null;
  }
}

/**
 * What the owner can see of their account through every GET route of the catalog
 * (lists at the largest page size), with fields that change by merely being read
 * removed. Equal snapshots before and after a batch of calls mean nothing stored
 * changed that any reader could observe.
 */
export async function snapshot(app: NestFastifyApplication, routes: readonly CatalogRoute[], world: World): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const route of routes) {
    const access = route.contract?.access.kind;
    if (route.method !== 'GET' || (access !== 'ad_account' && access !== 'user')) continue;
    if (route.pathParams.some((p) => !(p in world.ids))) continue;
    const query = hasQueryParam(route, 'page_size') ? '?page_size=250' : '';
    const res = await request(app.getHttpServer()).get(fillPath(route, world.ids) + query).set('Authorization', world.owner.auth);
    out[routeKey(route)] = { status: res.status, body: stripVolatile(res.body) };
  }
  const [row] = await app.get(DataSource).query<{ n: string }[]>(`SELECT count(*) AS n FROM audit_log WHERE ad_account_id = $1`, [world.owner.adAccountId]);
  out.audit_log_rows = row?.n;
  return out;
}

function stripVolatile(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripVolatile);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'last_used_time').map(([k, v]) => [k, stripVolatile(v)]));
}

export function hasQueryParam(route: CatalogRoute, name: string): boolean {
  const query = route.contract?.query;
  if (!query) return false;
  const json = z.toJSONSchema(query, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
  return name in (json.properties ?? {});
}
