import { AD_ACCOUNT_ROLES, type AdAccountRole } from '@loupe/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { roleAllows } from '../src/auth/permissions';
import { listRoutes, routeKey, type CatalogRoute } from '../src/openapi/route-catalog';
import { addMember, buildWorld, fillPath, hasQueryParam, sampleBody, snapshot, unfixturedRoutes, type World } from './support/route-fixtures';
import { signUp, useTestApp, type TestUser } from './support/test-app';

/**
 * Tenant isolation over EVERY route of the router (read from Nest's metadata, so routes
 * added later are covered without being listed): another account's token never reads
 * or writes account A, and each role gets exactly what the permission table gives it.
 */
describe('tenant isolation: every tenant-scoped route, every role', () => {
  const api = useTestApp();
  let routes: CatalogRoute[];
  let tenantRoutes: CatalogRoute[];
  let a: World;
  let b: World;
  const members = {} as Record<AdAccountRole, TestUser>;

  const call = (route: CatalogRoute, user: TestUser, ids: Record<string, string>, query = '') => {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
    const req = api.http()[method](fillPath(route, ids) + query).set('Authorization', user.auth);
    const body = ['POST', 'PATCH', 'PUT'].includes(route.method) ? sampleBody(route, ids) : undefined;
    return body === undefined ? req : req.send(body as object);
  };
  /** Deletes last, so a removal does not hide later checks. */
  const destructiveLast = (x: CatalogRoute, y: CatalogRoute) => Number(x.method === 'DELETE') - Number(y.method === 'DELETE');

  beforeAll(async () => {
    routes = listRoutes(api.app);
    tenantRoutes = routes.filter((r) => r.contract?.access.kind === 'ad_account');
    a = await buildWorld(api.app, routes);
    b = await buildWorld(api.app, routes);
    for (const role of AD_ACCOUNT_ROLES) {
      members[role] = await signUp(api.app);
      await addMember(api.app, routes, a.owner, members[role], role);
    }
  }, 120_000);

  it('has a fixture for every path parameter of every route (a new kind of id needs one)', () => {
    expect(unfixturedRoutes(routes.filter((r) => r.contract && r.contract.access.kind !== 'public'), a.ids)).toEqual([]);
  });

  it('covers the tenant-scoped routes of the catalog', () => {
    expect(tenantRoutes.length).toBeGreaterThanOrEqual(8);
    console.info(`tenant-isolation covers ${tenantRoutes.length} ad-account routes:\n  ${tenantRoutes.map(routeKey).join('\n  ')}`);
  });

  it("answers 404 to another account's token on every tenant-scoped route, and A's data does not change", async () => {
    const before = await snapshot(api.app, routes, a);
    const leaks: string[] = [];
    for (const route of [...tenantRoutes].sort(destructiveLast)) {
      const res = await call(route, b.owner, a.ids);
      if (res.status !== 404 || res.body.code !== 4) leaks.push(`${routeKey(route)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }
    expect(leaks).toEqual([]);
    expect(await snapshot(api.app, routes, a)).toEqual(before);
  });

  it("never lets a signed-in route reach another user's objects (ids in the path or ad_account_id in the query)", async () => {
    const before = await snapshot(api.app, routes, a);
    const leaks: string[] = [];
    const userRoutes = routes.filter((r) => r.contract?.access.kind === 'user');
    for (const route of [...userRoutes].sort(destructiveLast)) {
      if (route.pathParams.length > 0) {
        // B names A's object: must be refused, never a 2xx.
        const res = await call(route, b.owner, { ...b.ids, ...pick(a.ids, route.pathParams) });
        if (res.status < 400) leaks.push(`${routeKey(route)} with A's ids → ${res.status}`);
      }
      if (hasQueryParam(route, 'ad_account_id')) {
        const res = await call(route, b.owner, b.ids, `?ad_account_id=${a.ids.ad_account_id}`);
        if (res.status < 400) leaks.push(`${routeKey(route)}?ad_account_id=<A's> → ${res.status}`);
      }
      if (route.method === 'GET' && route.pathParams.length === 0) {
        const res = await call(route, b.owner, b.ids, hasQueryParam(route, 'page_size') ? '?page_size=250' : '');
        const text = JSON.stringify(res.body);
        const seen = a.secrets.filter((s) => text.includes(s));
        if (seen.length > 0) leaks.push(`${routeKey(route)} shows A's ${seen.join(', ')}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(await snapshot(api.app, routes, a)).toEqual(before);
  });

  it('lists only the caller\'s own ad accounts (GET /v5/ad_accounts)', async () => {
    const res = await api.http().get('/v5/ad_accounts?page_size=250').set('Authorization', b.owner.auth).expect(200);
    const ids = (res.body.items as { id: string }[]).map((x) => x.id);
    expect(ids).toEqual([b.owner.adAccountId]);
  });

  it('answers 403 {code: 3} to every role the permission table refuses, and the write does not happen', async () => {
    const before = await snapshot(api.app, routes, a);
    const wrong: string[] = [];
    let checks = 0;
    for (const route of [...tenantRoutes].sort(destructiveLast)) {
      const { access } = route.contract!;
      if (access.kind !== 'ad_account') continue;
      for (const role of AD_ACCOUNT_ROLES) {
        if (roleAllows(role, access.permission)) continue;
        checks++;
        const res = await call(route, members[role], a.ids);
        if (res.status !== 403 || res.body.code !== 3) wrong.push(`${role} ${routeKey(route)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checks).toBeGreaterThan(0);
    expect(await snapshot(api.app, routes, a)).toEqual(before);
  });

  it('never answers 403, 404 or 5xx to a role the permission table allows', async () => {
    const wrong: string[] = [];
    for (const route of [...tenantRoutes].sort(destructiveLast)) {
      const { access } = route.contract!;
      if (access.kind !== 'ad_account') continue;
      for (const role of AD_ACCOUNT_ROLES) {
        if (!roleAllows(role, access.permission)) continue;
        const res = await call(route, members[role], a.ids);
        // 404 is allowed only for a DELETE repeated by a second allowed role (the object is gone).
        const gone = route.method === 'DELETE' && res.status === 404;
        if (res.status === 403 || (res.status === 404 && !gone) || res.status >= 500) {
          wrong.push(`${role} ${routeKey(route)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

function pick(ids: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((n) => n in ids).map((n) => [n, ids[n]!]));
}
