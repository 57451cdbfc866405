import { rmSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportDataset, type ReportDataset } from './support/report-dataset';
import { pathOf, reportsEnv, startReportWorker, waitForReport } from './support/report-worker';
import { useTestApp } from './support/test-app';

/*
 * Issue 6 §7: the same question gives the same number through Pinterest's analytics
 * endpoint, the report builder, the async report in JSON and the async report in CSV.
 * Question: account A (New York), campaign cA1, local day D — spend, impressions,
 * clicks, CTR, conversions, ROAS (hand-computed in support/report-dataset.ts: 6,000
 * micros, 3, 1, 1/3, 1, 30,000,000 / 6,000 = 5,000); and the same per day over D..D1
 * for both campaigns.
 */
describe('the same question through every report path', () => {
  const env = reportsEnv();
  const t = useTestApp(env);
  let ds: ReportDataset;
  let worker: Worker;

  beforeAll(async () => {
    ds = await buildReportDataset(t.app);
    worker = startReportWorker(t.app);
  });
  afterAll(async () => {
    await worker.close();
    rmSync(env.REPORTS_DIR, { recursive: true, force: true });
  });

  const PINTEREST = ['SPEND_IN_MICRO_DOLLAR', 'PAID_IMPRESSION', 'CLICKTHROUGH_1', 'CTR', 'TOTAL_CONVERSIONS', 'CHECKOUT_ROAS'] as const;
  const LOUPE = ['spend', 'impressions', 'clicks', 'ctr', 'conversions', 'roas'] as const;
  type Figures = [spend: number | null, impressions: number | null, clicks: number | null, ctr: number | null, conversions: number | null, roas: number | null];

  async function viaAnalytics(start: string, end: string, granularity: 'TOTAL' | 'DAY'): Promise<Map<string, Figures>> {
    const res = await t
      .http()
      .get(`/v5/ad_accounts/${ds.a}/campaigns/analytics`)
      .query({ start_date: start, end_date: end, granularity, columns: PINTEREST.join(','), campaign_ids: `${ds.ids.cA1},${ds.ids.cA2}` })
      .set('Authorization', ds.owner.auth);
    expect(res.status).toBe(200);
    return new Map((res.body as Record<string, number | string>[]).map((r) => [`${r.CAMPAIGN_ID}|${r.DATE ?? ''}`, PINTEREST.map((c) => r[c] as number | null) as Figures]));
  }

  async function viaBuilder(start: string, end: string, granularity: 'TOTAL' | 'DAY'): Promise<Map<string, Figures>> {
    const res = await t
      .http()
      .post('/v5/reports/query')
      .set('Authorization', ds.owner.auth)
      .send({ ad_account_ids: [ds.a], start_date: start, end_date: end, dimensions: granularity === 'DAY' ? ['campaign', 'date'] : ['campaign'], metrics: LOUPE, filters: { campaign_ids: [ds.ids.cA1, ds.ids.cA2] } });
    expect(res.status).toBe(200);
    return new Map((res.body as { rows: Record<string, number | string>[] }).rows.map((r) => [`${r.campaign_id}|${r.date ?? ''}`, LOUPE.map((c) => r[c] as number | null) as Figures]));
  }

  async function viaAsync(start: string, end: string, granularity: 'TOTAL' | 'DAY', format: 'JSON' | 'CSV'): Promise<Map<string, Figures>> {
    const created = await t
      .http()
      .post(`/v5/ad_accounts/${ds.a}/reports`)
      .set('Authorization', ds.owner.auth)
      .send({ start_date: start, end_date: end, granularity, level: 'CAMPAIGN', columns: PINTEREST, report_format: format, campaign_ids: [ds.ids.cA1, ds.ids.cA2] });
    expect(created.status).toBe(200);
    const done = await waitForReport(t, ds.owner.auth, ds.a, (created.body as { token: string }).token);
    expect(done.report_status).toBe('FINISHED');
    const file = await t.http().get(pathOf(done.url!)).buffer(true);
    if (format === 'JSON') {
      const rows = JSON.parse(file.text) as Record<string, number | string>[];
      return new Map(rows.map((r) => [`${r.CAMPAIGN_ID}|${r.DATE ?? ''}`, PINTEREST.map((c) => r[c] as number | null) as Figures]));
    }
    const rows = parse(file.text, { comment: '#', columns: true, skip_empty_lines: true }) as Record<string, string>[];
    // The CSV writes exact decimals; as numbers they must equal the JSON figures.
    return new Map(rows.map((r) => [`${r.CAMPAIGN_ID}|${r.DATE ?? ''}`, PINTEREST.map((c) => (r[c] === '' ? null : Number(r[c]))) as Figures]));
  }

  it('agrees on one campaign-day: spend, impressions, clicks, CTR, conversions, ROAS', async () => {
    const expected: Figures = [6_000, 3, 1, 0.3333333333, 1, 5_000];
    for (const figures of [
      await viaAnalytics(ds.D, ds.D, 'TOTAL'),
      await viaBuilder(ds.D, ds.D, 'TOTAL'),
      await viaAsync(ds.D, ds.D, 'TOTAL', 'JSON'),
      await viaAsync(ds.D, ds.D, 'TOTAL', 'CSV'),
    ]) {
      expect(figures.get(`${ds.ids.cA1}|`)).toEqual(expected);
    }
  });

  it('agrees row for row per campaign and day, zero-denominator slices included', async () => {
    const reference = await viaAnalytics(ds.D, ds.D1, 'DAY');
    expect(reference).toEqual(
      new Map([
        [`${ds.ids.cA1}|${ds.D}`, [6_000, 3, 1, 0.3333333333, 1, 5_000]],
        [`${ds.ids.cA2}|${ds.D1}`, [1_000, 1, 0, 0, 0, 0]],
      ]),
    );
    expect(await viaBuilder(ds.D, ds.D1, 'DAY')).toEqual(reference);
    expect(await viaAsync(ds.D, ds.D1, 'DAY', 'JSON')).toEqual(reference);
    expect(await viaAsync(ds.D, ds.D1, 'DAY', 'CSV')).toEqual(reference);
  });
});
