import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportDataset, type ReportDataset } from './support/report-dataset';
import { signUp, useTestApp, type TestUser } from './support/test-app';

/* Saved reports: CRUD, sharing with members of the home account, and access checked when run. */
describe('saved reports', () => {
  const t = useTestApp();
  let ds: ReportDataset;
  let analyst: TestUser;
  let manager: TestUser;
  let finance: TestUser;
  let outsider: TestUser;

  beforeAll(async () => {
    ds = await buildReportDataset(t.app);
    [analyst, manager, finance, outsider] = await Promise.all([signUp(t.app), signUp(t.app), signUp(t.app), signUp(t.app)]);
    for (const [user, role] of [[analyst, 'ANALYST'], [manager, 'CAMPAIGN_MANAGER'], [finance, 'FINANCE_MANAGER']] as const) {
      await t.http().post(`/v5/ad_accounts/${ds.a}/members`).set('Authorization', ds.owner.auth).send({ email: user.email, role }).expect(201);
    }
  });

  const base = () => `/v5/ad_accounts/${ds.a}/saved_reports`;
  const definition = (accounts: string[] = [ds.a]) => ({ ad_account_ids: accounts, start_date: ds.D, end_date: ds.D1, dimensions: ['campaign'], metrics: ['spend', 'ctr'] });
  const create = (body: Record<string, unknown>, user: TestUser = ds.owner) => t.http().post(base()).set('Authorization', user.auth).send(body);
  const as = (user: TestUser) => ({
    get: (path = '') => t.http().get(`${base()}${path}`).set('Authorization', user.auth),
    patch: (path: string, body: Record<string, unknown>) => t.http().patch(`${base()}${path}`).set('Authorization', user.auth).send(body),
    del: (path: string) => t.http().delete(`${base()}${path}`).set('Authorization', user.auth),
    run: (path: string, body: Record<string, unknown> = {}) => t.http().post(`${base()}${path}/run`).set('Authorization', user.auth).send(body),
  });

  it('creates, lists, gets, updates and deletes a report, and runs it with the builder’s figures', async () => {
    const created = await create({ name: 'Campaign spend', definition: definition() });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const report = created.body as { id: string; owner_user_id: string; shared_with_user_ids: string[]; definition: { metrics: string[] } };
    expect(report).toMatchObject({ ad_account_id: ds.a, name: 'Campaign spend', owner_user_id: ds.owner.userId, shared_with_user_ids: [], shared_with_account: false });
    expect(((await as(ds.owner).get()).body as { items: { id: string }[] }).items.map((r) => r.id)).toContain(report.id);
    expect((await as(ds.owner).get(`/${report.id}`)).body).toEqual(report);
    const ran = await as(ds.owner).run(`/${report.id}`, { page_size: 10 });
    expect(ran.status).toBe(200);
    expect((ran.body as { rows: unknown[] }).rows).toEqual([
      { campaign_id: ds.ids.cA1, currency: 'USD', spend: 6_000, ctr: 0.3333333333 },
      { campaign_id: ds.ids.cA2, currency: 'USD', spend: 1_000, ctr: 0 },
    ]);
    const renamed = await as(ds.owner).patch(`/${report.id}`, { name: 'Renamed', definition: { ...definition(), metrics: ['impressions'] } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed', definition: { metrics: ['impressions'] } });
    expect((await as(ds.owner).del(`/${report.id}`)).status).toBe(204);
    expect((await as(ds.owner).get(`/${report.id}`)).status).toBe(404);
  });

  it('is visible only to its owner and those it is shared with; only the owner reshares', async () => {
    const created = await create({ name: 'Shared', definition: definition(), shared_with_user_ids: [analyst.userId] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = (created.body as { id: string }).id;
    expect((await as(analyst).get(`/${id}`)).status).toBe(200);
    expect((await as(analyst).run(`/${id}`)).status).toBe(200);
    expect((await as(analyst).patch(`/${id}`, { name: 'Edited by analyst' })).body).toMatchObject({ name: 'Edited by analyst' });
    const reshare = await as(analyst).patch(`/${id}`, { shared_with_user_ids: [analyst.userId, manager.userId] });
    expect(reshare.status).toBe(403);
    expect(reshare.body).toMatchObject({ message: expect.stringMatching(/owner/) });
    // Not shared with the campaign manager: unseen, as if absent.
    expect((await as(manager).get(`/${id}`)).status).toBe(404);
    expect(((await as(manager).get()).body as { items: { id: string }[] }).items.map((r) => r.id)).not.toContain(id);
    expect((await as(manager).run(`/${id}`)).status).toBe(404);
    expect((await as(ds.owner).patch(`/${id}`, { shared_with_account: true })).status).toBe(200);
    expect((await as(manager).get(`/${id}`)).status).toBe(200);
    // Roles without analytics access and strangers are refused by the account's access rule.
    expect((await as(finance).get(`/${id}`)).status).toBe(403);
    expect((await as(outsider).get(`/${id}`)).status).toBe(404);
  });

  it('shares only with members who may read analytics, and requires the home account in the question', async () => {
    const stranger = await create({ name: 'x', definition: definition(), shared_with_user_ids: [outsider.userId] });
    expect(stranger.status).toBe(400);
    expect(stranger.body).toMatchObject({ code: 1, message: expect.stringContaining(outsider.userId) });
    const noAnalytics = await create({ name: 'x', definition: definition(), shared_with_user_ids: [finance.userId] });
    expect(noAnalytics.status).toBe(400);
    const elsewhere = await create({ name: 'x', definition: definition([ds.b]) });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toMatchObject({ message: expect.stringContaining(`must include it`) });
    const backwards = await create({ name: 'x', definition: { ...definition(), start_date: ds.D1, end_date: ds.D } });
    expect(backwards.status).toBe(400);
  });

  it('checks, when run, the runner’s access to every account the report names', async () => {
    // The owner manages A and B; the analyst is a member of A only.
    const created = await create({ name: 'Both accounts', definition: definition([ds.a, ds.b]), shared_with_user_ids: [analyst.userId] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = (created.body as { id: string }).id;
    const mine = await as(ds.owner).run(`/${id}`);
    expect(mine.status).toBe(200);
    expect((mine.body as { totals: { currency: string }[] }).totals.map((x) => x.currency)).toEqual(['EUR', 'USD']);
    const theirs = await as(analyst).run(`/${id}`);
    expect(theirs.status).toBe(404);
    expect(theirs.body).toMatchObject({ message: expect.stringContaining(ds.b) });
    // And nobody saves a question over accounts they cannot read.
    const denied = await create({ name: 'x', definition: definition([ds.a, ds.b]) }, analyst);
    expect(denied.status).toBe(404);
  });
});
