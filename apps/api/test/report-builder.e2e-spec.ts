import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportDataset, type ReportDataset } from './support/report-dataset';
import { signUp, useTestApp, type TestUser } from './support/test-app';

/* The report builder (POST /v5/reports/query) on the hand-computed dataset of support/report-dataset.ts. */
describe('report builder', () => {
  const t = useTestApp();
  let ds: ReportDataset;

  beforeAll(async () => {
    ds = await buildReportDataset(t.app);
  });

  const query = (body: Record<string, unknown>, user: TestUser = ds.owner) =>
    t.http().post('/v5/reports/query').set('Authorization', user.auth).send({ ad_account_ids: [ds.a], start_date: ds.D, end_date: ds.D1, ...body });
  type Body = { rows: Record<string, unknown>[]; totals: { currency: string; ad_account_ids: string[]; metrics: Record<string, unknown> }[]; bookmark: string | null; total_rows: number; columns: { name: string; role: string }[]; metadata: Record<string, unknown> };

  it('answers per campaign with metrics computed from summed measures, null where the denominator is 0', async () => {
    const res = await query({ dimensions: ['campaign'], metrics: ['spend', 'impressions', 'clicks', 'ctr', 'cpc', 'cpm', 'conversions', 'conversion_value', 'roas', 'roi', 'cpa', 'conversion_rate', 'engagement_rate'] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const body = res.body as Body;
    expect(body.columns.map((c) => c.name)).toEqual(['campaign_id', 'currency', 'spend', 'impressions', 'clicks', 'ctr', 'cpc', 'cpm', 'conversions', 'conversion_value', 'roas', 'roi', 'cpa', 'conversion_rate', 'engagement_rate']);
    expect(body.rows).toEqual([
      {
        campaign_id: ds.ids.cA1, currency: 'USD', spend: 6_000, impressions: 3, clicks: 1, ctr: 0.3333333333, cpc: 6_000, cpm: 2_000_000,
        conversions: 1, conversion_value: 30_000_000, roas: 5_000, roi: 4_999, cpa: 6_000, conversion_rate: 1, engagement_rate: 0.3333333333,
      },
      {
        campaign_id: ds.ids.cA2, currency: 'USD', spend: 1_000, impressions: 1, clicks: 0, ctr: 0, cpc: null, cpm: 1_000_000,
        conversions: 0, conversion_value: 0, roas: 0, roi: -1, cpa: null, conversion_rate: null, engagement_rate: 0,
      },
    ]);
    // Totals: the sums of the measures, then the ratios (CTR 1/4, not the mean of 1/3 and 0).
    expect(body.totals).toEqual([
      {
        currency: 'USD', ad_account_ids: [ds.a],
        metrics: { spend: 7_000, impressions: 4, clicks: 1, ctr: 0.25, cpc: 7_000, cpm: 1_750_000, conversions: 1, conversion_value: 30_000_000, roas: 4285.7142857143, roi: 4284.7142857143, cpa: 7_000, conversion_rate: 1, engagement_rate: 0.25 },
      },
    ]);
    expect(body.metadata).toMatchObject({ attribution: { click_window_days: 30, view_window_days: 1, conversion_report_time: 'TIME_OF_AD_ACTION' }, accounts: [{ ad_account_id: ds.a, currency: 'USD', timezone: 'America/New_York' }] });
  });

  it('cuts dates in the account timezone and crosses entity with time', async () => {
    const res = await query({ dimensions: ['campaign', 'date'], metrics: ['impressions', 'spend', 'conversions'] });
    expect(res.status).toBe(200);
    expect((res.body as Body).rows).toEqual([
      { campaign_id: ds.ids.cA1, date: ds.D, currency: 'USD', impressions: 3, spend: 6_000, conversions: 1 },
      { campaign_id: ds.ids.cA2, date: ds.D1, currency: 'USD', impressions: 1, spend: 1_000, conversions: 0 },
    ]);
  });

  it('cuts by placement and by targeting from the raw events, conversions in the segment of the click that claimed them', async () => {
    const byPlacement = await query({ dimensions: ['placement'], metrics: ['impressions', 'clicks', 'spend', 'cpc', 'conversions', 'roas'] });
    expect(byPlacement.status).toBe(200);
    expect((byPlacement.body as Body).rows).toEqual([
      { placement: 'BROWSE', currency: 'USD', impressions: 2, clicks: 1, spend: 4_000, cpc: 4_000, conversions: 1, roas: 7_500 },
      { placement: 'SEARCH', currency: 'USD', impressions: 2, clicks: 0, spend: 3_000, cpc: null, conversions: 0, roas: 0 },
    ]);
    // Summed over every placement: the rollups' totals.
    expect((byPlacement.body as Body).totals[0]!.metrics).toEqual({ impressions: 4, clicks: 1, spend: 7_000, cpc: 7_000, conversions: 1, roas: 4285.7142857143 });
    const atConversion = await query({ dimensions: ['gender', 'date'], metrics: ['conversions'], conversion_report_time: 'TIME_OF_CONVERSION', filters: { gender: ['female'] } });
    expect((atConversion.body as Body).rows).toEqual([
      { gender: 'female', date: ds.D, currency: 'USD', conversions: 1 },
      { gender: 'female', date: ds.D1, currency: 'USD', conversions: 0 },
    ]);
    const byCampaignGenderDay = await query({ dimensions: ['campaign', 'gender', 'date'], metrics: ['impressions', 'spend'], filters: { age_bucket: ['25-34'] } });
    expect((byCampaignGenderDay.body as Body).rows).toEqual([
      { campaign_id: ds.ids.cA1, gender: 'female', date: ds.D, currency: 'USD', impressions: 1, spend: 2_000 },
      { campaign_id: ds.ids.cA1, gender: 'male', date: ds.D, currency: 'USD', impressions: 1, spend: 2_000 },
      { campaign_id: ds.ids.cA2, gender: 'female', date: ds.D1, currency: 'USD', impressions: 1, spend: 1_000 },
    ]);
  });

  it('keeps two currencies apart in rows and totals, never summing them', async () => {
    const res = await query({ ad_account_ids: [ds.a, ds.b], dimensions: ['date'], metrics: ['spend', 'impressions', 'clicks'], start_date: ds.D, end_date: ds.D });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const body = res.body as Body;
    expect(body.rows).toEqual([
      { date: ds.D, currency: 'EUR', spend: 5_500, impressions: 1, clicks: 1 },
      { date: ds.D, currency: 'USD', spend: 6_000, impressions: 3, clicks: 1 },
    ]);
    expect(body.totals).toEqual([
      { currency: 'EUR', ad_account_ids: [ds.b], metrics: { spend: 5_500, impressions: 1, clicks: 1 } },
      { currency: 'USD', ad_account_ids: [ds.a], metrics: { spend: 6_000, impressions: 3, clicks: 1 } },
    ]);
    const byAccount = await query({ ad_account_ids: [ds.b, ds.a], dimensions: ['ad_account'], metrics: ['spend'] });
    expect((byAccount.body as Body).rows).toEqual([
      { ad_account_id: ds.a, currency: 'USD', spend: 7_000 },
      { ad_account_id: ds.b, currency: 'EUR', spend: 5_500 },
    ]);
  });

  it('sorts by a metric either way with nulls last, and by a dimension', async () => {
    const rowsOf = async (sort: Record<string, string>) => ((await query({ dimensions: ['campaign'], metrics: ['spend', 'cpc'], sort })).body as Body).rows.map((r) => r.campaign_id);
    expect(await rowsOf({ by: 'spend', order: 'ASCENDING' })).toEqual([ds.ids.cA2, ds.ids.cA1]);
    expect(await rowsOf({ by: 'spend', order: 'DESCENDING' })).toEqual([ds.ids.cA1, ds.ids.cA2]);
    expect(await rowsOf({ by: 'cpc', order: 'ASCENDING' })).toEqual([ds.ids.cA1, ds.ids.cA2]);
    expect(await rowsOf({ by: 'cpc', order: 'DESCENDING' })).toEqual([ds.ids.cA1, ds.ids.cA2]);
    expect(await rowsOf({ by: 'campaign_id', order: 'DESCENDING' })).toEqual([ds.ids.cA2, ds.ids.cA1]);
  });

  it('pages with an opaque bookmark bound to the question, totals covering every page', async () => {
    const first = await query({ dimensions: ['campaign'], metrics: ['spend'], page_size: 1 });
    const body1 = first.body as Body;
    expect(body1.rows).toEqual([{ campaign_id: ds.ids.cA1, currency: 'USD', spend: 6_000 }]);
    expect(body1.total_rows).toBe(2);
    expect(body1.totals[0]!.metrics.spend).toBe(7_000);
    expect(body1.bookmark).toEqual(expect.any(String));
    const second = await query({ dimensions: ['campaign'], metrics: ['spend'], page_size: 1, bookmark: body1.bookmark });
    expect((second.body as Body).rows).toEqual([{ campaign_id: ds.ids.cA2, currency: 'USD', spend: 1_000 }]);
    expect((second.body as Body).bookmark).toBeNull();
    const other = await query({ dimensions: ['campaign'], metrics: ['clicks'], page_size: 1, bookmark: body1.bookmark });
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ code: 1, message: expect.stringMatching(/bookmark/) });
  });

  it('refuses bad input with 400 {code, message}', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ dimensions: [], metrics: ['spend'], start_date: ds.D1, end_date: ds.D }, /end_date/],
      [{ dimensions: ['date', 'month'], metrics: ['spend'] }, /one time dimension/],
      [{ dimensions: ['campaign'], metrics: ['profit'] }, /profit/],
      [{ dimensions: ['campaign', 'campaign'], metrics: ['spend'] }, /twice/],
      [{ dimensions: ['campaign'], metrics: ['spend'], sort: { by: 'clicks' } }, /sort/],
      [{ dimensions: ['colour'], metrics: ['spend'] }, /dimensions/],
      [{ dimensions: [], metrics: [] }, /metric/],
      [{ metrics: ['spend'], start_date: '2026-02-30' }, /start_date/],
    ];
    for (const [body, message] of cases) {
      const res = await query(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ code: 1, message: expect.stringMatching(message) });
    }
  });

  it('checks analytics access on every account: 404 names unknown or foreign ones, 403 names disallowed ones', async () => {
    const analyst = await signUp(t.app);
    const finance = await signUp(t.app);
    for (const [user, role] of [[analyst, 'ANALYST'], [finance, 'FINANCE_MANAGER']] as const) {
      await t.http().post(`/v5/ad_accounts/${ds.a}/members`).set('Authorization', ds.owner.auth).send({ email: user.email, role }).expect(201);
    }
    expect((await query({ metrics: ['spend'] }, analyst)).status).toBe(200);
    const foreign = await query({ ad_account_ids: [ds.a, ds.b], metrics: ['spend'] }, analyst);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ message: expect.stringContaining(ds.b) });
    expect((foreign.body as { message: string }).message).not.toContain(ds.a);
    const denied = await query({ metrics: ['spend'] }, finance);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ message: expect.stringContaining(`${ds.a} (FINANCE_MANAGER)`) });
    expect((await t.http().post('/v5/reports/query').send({ ad_account_ids: [ds.a], start_date: ds.D, end_date: ds.D, metrics: ['spend'] })).status).toBe(401);
  });
});
