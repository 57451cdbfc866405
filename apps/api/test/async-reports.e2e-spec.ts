import { existsSync, rmSync } from 'node:fs';
import { bullConnection, LOUPE_CONFIG, QUEUES, signReportFileToken, sweepExpiredReports, type LoupeConfig } from '@loupe/server-core';
import { parse } from 'csv-parse/sync';
import { Queue, type Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AsyncReportsService } from '../src/reports/async-reports.service';
import { expectPinterest } from './support/pinterest-schema';
import { buildReportDataset, type ReportDataset } from './support/report-dataset';
import { pathOf, reportsEnv, startReportWorker, waitForReport } from './support/report-worker';
import { useTestApp } from './support/test-app';

/* Pinterest's async reports: queued, built by the reports job under a real BullMQ worker, downloaded from a signed URL. */
describe('async reports', () => {
  const env = reportsEnv();
  const dir = env.REPORTS_DIR;
  const t = useTestApp(env);
  let ds: ReportDataset;
  let worker: Worker | null = null;

  beforeAll(async () => {
    ds = await buildReportDataset(t.app);
  });
  afterAll(async () => {
    await worker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const create = (body: Record<string, unknown>, account = ds.a) =>
    t.http().post(`/v5/ad_accounts/${account}/reports`).set('Authorization', ds.owner.auth).send({ start_date: ds.D, end_date: ds.D1, granularity: 'DAY', level: 'CAMPAIGN', ...body });
  const status = (token: string, account = ds.a) => t.http().get(`/v5/ad_accounts/${account}/reports`).query({ token }).set('Authorization', ds.owner.auth);

  it('goes IN_PROGRESS → FINISHED and serves the CSV from a signed URL without credentials', async () => {
    const created = await create({ columns: ['SPEND_IN_MICRO_DOLLAR', 'PAID_IMPRESSION', 'CTR', 'ECPC_IN_MICRO_DOLLAR'], report_format: 'CSV' });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expectPinterest('AdsAnalyticsCreateAsyncResponse', created.body);
    const { token, report_status } = created.body as { token: string; report_status: string };
    expect(report_status).toBe('IN_PROGRESS');
    // No worker yet: the job waits.
    const pending = await status(token);
    expectPinterest('AdsAnalyticsGetAsyncResponse', pending.body);
    expect(pending.body).toEqual({ report_status: 'IN_PROGRESS', url: null, size: null, progress: 0 });
    // The worker reports progress on the job (runAsyncReportJob's updateProgress); the status carries it as an extension.
    const config = t.app.get<LoupeConfig>(LOUPE_CONFIG);
    const queue = new Queue(QUEUES.reports, { connection: bullConnection(config), prefix: config.redis.queuePrefix });
    try {
      await (await queue.getJob(token))!.updateProgress(40);
    } finally {
      await queue.close();
    }
    const midway = await status(token);
    expectPinterest('AdsAnalyticsGetAsyncResponse', midway.body);
    expect(midway.body).toEqual({ report_status: 'IN_PROGRESS', url: null, size: null, progress: 40 });

    worker = startReportWorker(t.app);
    const done = await waitForReport(t, ds.owner.auth, ds.a, token);
    expectPinterest('AdsAnalyticsGetAsyncResponse', done);
    expect(done.report_status).toBe('FINISHED');
    expect(done.progress).toBe(100);
    const file = await t.http().get(pathOf(done.url!));
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toMatch(/^text\/csv/);
    const text = file.text;
    expect(Buffer.byteLength(text)).toBe(done.size);
    expect(text).toContain('# timezone: America/New_York');
    expect(text).toContain('# currency: USD');
    const rows = parse(text, { comment: '#', columns: true, skip_empty_lines: true }) as Record<string, string>[];
    expect(rows).toEqual([
      { CAMPAIGN_ID: ds.ids.cA1, DATE: ds.D, SPEND_IN_MICRO_DOLLAR: '6000', PAID_IMPRESSION: '3', CTR: '0.3333333333', ECPC_IN_MICRO_DOLLAR: '6000' },
      { CAMPAIGN_ID: ds.ids.cA2, DATE: ds.D1, SPEND_IN_MICRO_DOLLAR: '1000', PAID_IMPRESSION: '1', CTR: '0.0000000000', ECPC_IN_MICRO_DOLLAR: '' },
    ]);
  });

  it('refuses a forged or expired download URL with 404', async () => {
    const created = await create({ columns: ['PAID_IMPRESSION'], report_format: 'JSON', level: 'ADVERTISER', granularity: 'TOTAL' });
    worker ??= startReportWorker(t.app);
    const done = await waitForReport(t, ds.owner.auth, ds.a, (created.body as { token: string }).token);
    expect(done.report_status).toBe('FINISHED');
    const good = pathOf(done.url!);
    expect((await t.http().get(good)).body).toEqual([{ AD_ACCOUNT_ID: ds.a, PAID_IMPRESSION: 4 }]);
    const forged = good.slice(0, -2) + (good.endsWith('AA') ? 'BB' : 'AA');
    const refused = await t.http().get(forged);
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
    const config = t.app.get<LoupeConfig>(LOUPE_CONFIG);
    const expired = signReportFileToken(config.reports.secret, { token: (created.body as { token: string }).token, format: 'JSON' }, Math.floor(Date.now() / 1000) - 1);
    const late = await t.http().get(`/v5/report_files/${expired}`);
    expect(late.status).toBe(404);
    expect(late.body).toMatchObject({ message: expect.stringMatching(/expired/) });
    const otherKey = signReportFileToken('another-secret-of-16-chars', { token: (created.body as { token: string }).token, format: 'JSON' }, Math.floor(Date.now() / 1000) + 60);
    expect((await t.http().get(`/v5/report_files/${otherKey}`)).status).toBe(404);
  });

  it('reports EXPIRED once the file has been swept, and DOES_NOT_EXIST for unknown or another account’s tokens', async () => {
    const created = await create({ columns: ['PAID_IMPRESSION'], report_format: 'JSON' });
    const token = (created.body as { token: string }).token;
    worker ??= startReportWorker(t.app);
    expect((await waitForReport(t, ds.owner.auth, ds.a, token)).report_status).toBe('FINISHED');
    expect((await status(token, ds.b)).body).toEqual({ report_status: 'DOES_NOT_EXIST', url: null, size: null, progress: null });
    expect((await status('00000000-0000-0000-0000-000000000000')).body).toEqual({ report_status: 'DOES_NOT_EXIST', url: null, size: null, progress: null });
    expect((await status('not-a-token')).body).toMatchObject({ report_status: 'DOES_NOT_EXIST' });
    // The sweep removes files past their life (here: everything, as seen a day later).
    expect(await sweepExpiredReports(dir, 60, new Date(Date.now() + 86_400_000))).toBeGreaterThan(0);
    expect(existsSync(`${dir}/${token}.json`)).toBe(false);
    expect((await status(token)).body).toEqual({ report_status: 'EXPIRED', url: null, size: null, progress: null });
  });

  it('answers the status, never a 500, when the report completes while its status is being read', async () => {
    // No worker until the status route has made its first read of the job.
    await worker?.close();
    worker = null;
    const created = await create({ columns: ['PAID_IMPRESSION'], report_format: 'JSON', level: 'ADVERTISER', granularity: 'TOTAL' });
    const token = (created.body as { token: string }).token;
    const queue = (t.app.get(AsyncReportsService) as unknown as { queue: Queue }).queue;
    let raced = false;
    // Whichever of the job's reads comes first, the job completes right after it.
    const completeAfter = <T,>(read: Promise<T>): Promise<T> =>
      read.then(async (value) => {
        if (raced) return value;
        raced = true;
        worker = startReportWorker(t.app);
        await new Promise<void>((resolve) => worker!.on('completed', (job) => job.id === token && resolve()));
        return value;
      });
    const getJob = queue.getJob.bind(queue);
    const getJobState = queue.getJobState.bind(queue);
    const spies = [
      vi.spyOn(queue, 'getJob').mockImplementation((id) => completeAfter(getJob(id))),
      vi.spyOn(queue, 'getJobState').mockImplementation((id) => completeAfter(getJobState(id))),
    ];
    try {
      const during = await status(token);
      expect(raced).toBe(true);
      expect(during.status, JSON.stringify(during.body)).toBe(200);
      expectPinterest('AdsAnalyticsGetAsyncResponse', during.body);
      expect(['IN_PROGRESS', 'FINISHED']).toContain((during.body as { report_status: string }).report_status);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const after = await status(token);
    expect(after.body).toMatchObject({ report_status: 'FINISHED', progress: 100 });
  });

  it('refuses bad requests with 400 {code, message}', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ columns: ['PAID_IMPRESSION'], start_date: ds.D1, end_date: ds.D }, /end_date/],
      [{ columns: ['PAID_IMPRESSION'], level: 'ADVERTISER', campaign_ids: [ds.ids.cA1] }, /campaign_ids/],
      [{ columns: ['NOT_A_COLUMN'] }, /NOT_A_COLUMN/],
      [{ columns: ['PAID_IMPRESSION'], level: 'KEYWORD' }, /level/],
      [{ columns: ['PAID_IMPRESSION'], start_date: '2020-01-01', end_date: '2020-01-02' }, /914 days/],
      [{ columns: ['PAID_IMPRESSION'], granularity: 'HOUR' }, /HOUR/],
    ];
    for (const [body, message] of cases) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ code: 1, message: expect.stringMatching(message) });
    }
  });
});
