import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PERMISSIONS } from '../src/auth/permissions';
import { listRoutes, routeKey, type CatalogRoute } from '../src/openapi/route-catalog';
import { useTestApp } from './support/test-app';

/**
 * Guards over every route the application registers, read from the Nest router's
 * metadata: a route added anywhere, by anyone, is checked here without being listed.
 */

/** Routes anyone may call without a token. A new public route must be added here on purpose. */
const PUBLIC_ROUTES = new Set([
  'GET /health',
  'GET /docs',
  'GET /docs/openapi.json',
  'GET /docs/reference',
  'GET /docs/assets/:file',
  'POST /v5/auth/signup',
  'POST /v5/auth/login',
  // Tracking URLs: the signed token is the authorization (docs/tracking.md).
  'GET /t/i/:token',
  'GET /t/c/:token',
  'POST /t/e/:token',
  // An async report's download: the HMAC-signed, short-lived token in the path is the credential (docs/reports.md).
  'GET /v5/report_files/:file_token',
]);

/** Write routes that take no body, each with the reason. */
const BODYLESS_WRITES: Record<string, string> = {
  'POST /v5/auth/logout': 'revokes the token the request is made with',
};

describe('route catalog: every route is contracted, authorised, rate-limited and validated', () => {
  const api = useTestApp();
  let routes: CatalogRoute[];
  beforeAll(async () => {
    routes = listRoutes(api.app);
  });

  const offenders = (predicate: (r: CatalogRoute) => boolean) => routes.filter(predicate).map(routeKey);

  it('finds the routes the router serves, with Nest paths and OpenAPI paths', () => {
    const keys = routes.map(routeKey);
    expect(keys).toContain('POST /v5/ad_accounts/:ad_account_id/bid_floor');
    expect(keys).toContain('GET /health');
    const bidFloor = routes.find((r) => r.path === '/v5/ad_accounts/:ad_account_id/bid_floor')!;
    expect(bidFloor).toMatchObject({ openApiPath: '/v5/ad_accounts/{ad_account_id}/bid_floor', pathParams: ['ad_account_id'], successStatus: 200 });
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('every route declares a @Route contract', () => {
    expect(offenders((r) => !r.contract)).toEqual([]);
  });

  it('every route under :ad_account_id is tenant-scoped with adAccount(permission), and the permission exists', () => {
    expect(offenders((r) => r.pathParams.includes('ad_account_id') && r.contract?.access.kind !== 'ad_account')).toEqual([]);
    expect(offenders((r) => r.contract?.access.kind === 'ad_account' && !(r.contract.access.permission in PERMISSIONS))).toEqual([]);
    // …and the converse: an adAccount(...) route must have the account in its path, or the guard cannot resolve a role.
    expect(offenders((r) => r.contract?.access.kind === 'ad_account' && !r.pathParams.includes('ad_account_id'))).toEqual([]);
  });

  it('every authenticated route declares a rate-limit category', () => {
    expect(offenders((r) => (r.contract?.access.kind === 'user' || r.contract?.access.kind === 'ad_account') && !r.contract.rate)).toEqual([]);
  });

  it('writes are rate-limited as writes and reads as reads (POST reads such as bid_floor excepted)', () => {
    expect(offenders((r) => ['PATCH', 'PUT', 'DELETE'].includes(r.method) && r.contract?.rate === 'read')).toEqual([]);
    expect(offenders((r) => r.method === 'GET' && r.contract?.rate === 'write')).toEqual([]);
  });

  it('every POST/PATCH/PUT route declares a body schema (bulk routes an item schema too)', () => {
    expect(offenders((r) => ['POST', 'PATCH', 'PUT'].includes(r.method) && !r.contract?.body && !(routeKey(r) in BODYLESS_WRITES))).toEqual([]);
    expect(offenders((r) => !!r.contract?.bulkItem && !r.contract.body)).toEqual([]);
  });

  it('every route with path parameters declares a params schema covering each of them', () => {
    const uncovered = routes.filter((r) => {
      if (r.pathParams.length === 0 || !r.contract) return false;
      if (r.contract.access.kind === 'public' && r.path.startsWith('/docs/')) return false; // static docs files, looked up by name
      const schema = r.contract.params;
      if (!schema) return true;
      const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
      return r.pathParams.some((p) => !(p in (json.properties ?? {})));
    });
    expect(uncovered.map(routeKey)).toEqual([]);
  });

  it('only the deliberate routes are public', () => {
    expect(offenders((r) => r.contract?.access.kind === 'public' && !PUBLIC_ROUTES.has(routeKey(r)) && !r.path.includes('*'))).toEqual([]);
  });

  it('every route has a summary and a tag for the docs', () => {
    expect(offenders((r) => !r.contract?.summary.trim() || !r.contract.tag.trim())).toEqual([]);
  });

  it("a contract's documented status is the status Nest actually sends", () => {
    const wrong = routes.filter((r) => r.contract?.status !== undefined && r.contract.status !== r.nestStatus);
    expect(wrong.map(routeKey)).toEqual([]);
  });
});
