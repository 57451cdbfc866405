import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { loadConfig, testEnv, type LoupeConfig } from '@loupe/server-core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKFILL_DEFAULTS, reportTotals, runBackfill, waitForPipeline, type BackfillReport, type BackfillTotals } from '../src/cli/backfill';
import { seedDemoMarketplace, type DemoSeedResult } from '../src/cli/demo-seed';
import { accountDay } from '../src/serving/budget-store';
import { createIsolatedDatabase, eventually, type IsolatedDatabase } from './support/serving';
import { createTestApp } from './support/test-app';

const ROOT = resolve(__dirname, '../../..');
const HOUR_MS = 3_600_000;

/*
 * Backfill end to end: the demo marketplace seeded through the real API (a Postgres
 * database of its own, so it is the only advertiser), a real worker process (ingest into
 * ClickHouse, rollup jobs, spend ledger) on a queue prefix of its own, then two simulated
 * days generated through the real serve, tracking and conversions services in simulated
 * time. The analytics API must then show, per ad account, exactly what the simulator
 * says the pipeline acknowledged: impressions, clicks, conversions and spend.
 */
describe('backfill through the real pipeline', () => {
  let db: IsolatedDatabase;
  let app: NestFastifyApplication;
  let worker: ChildProcess;
  let workerOutput = '';
  let config: LoupeConfig;
  let seeded: DemoSeedResult;
  let report: BackfillReport;
  let baseUrl = '';
  const env: Record<string, string> = {};
  const toMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
  const fromMs = toMs - 2 * 86_400_000;

  beforeAll(async () => {
    db = await createIsolatedDatabase();
    Object.assign(env, { DATABASE_URL: db.url, QUEUE_PREFIX: `{loupe-test-backfill-${randomBytes(4).toString('hex')}}` });
    config = loadConfig(testEnv(env));
    app = await createTestApp(env);
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    seeded = await seedDemoMarketplace({ baseUrl, emailDomain: `backfill-${randomUUID().slice(0, 8)}.test.loupe.dev` });
    worker = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/worker/src/main.ts'], {
      cwd: ROOT,
      // History is rolled up by the week (all but the last hour here), the last hour hour by hour: both paths must agree with the simulator.
      env: { ...testEnv(env), SWC_NODE_PROJECT: 'apps/worker/tsconfig.json', LOG_LEVEL: 'warn', ROLLUP_RANGE_AFTER_HOURS: '1' } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout?.on('data', (d: Buffer) => (workerOutput += d.toString()));
    worker.stderr?.on('data', (d: Buffer) => (workerOutput += d.toString()));
    report = await runBackfill(config, {
      ...BACKFILL_DEFAULTS,
      fromMs,
      toMs,
      requestsPerDay: 1_200,
      seed: 77,
      populationSize: 5_000,
      // Clicks and conversions made common so two days show plenty of each (1 is the model).
      boost: 25,
      log: () => undefined,
      progressEveryMs: 0,
    });
    await waitForPipeline(config, () => undefined);
  }, 600_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker.once('exit', r));
      worker.kill('SIGTERM');
      const timer = setTimeout(() => worker.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await app?.close();
    await db?.drop();
  });

  async function token(email: string, password: string): Promise<string> {
    const res = await fetch(`${baseUrl}/v5/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    return ((await res.json()) as { access_token: string }).access_token;
  }

  async function analytics(accessToken: string, accountId: string, timezone: string): Promise<BackfillTotals> {
    const query = new URLSearchParams({
      start_date: accountDay(timezone, fromMs),
      end_date: accountDay(timezone, toMs - 1),
      granularity: 'TOTAL',
      columns: 'IMPRESSION_1,CLICKTHROUGH_1,TOTAL_CONVERSIONS,SPEND_IN_MICRO_DOLLAR,TOTAL_ENGAGEMENT',
      // Every conversion the simulator sends follows its own impression by at most 30 days: 60-day windows attribute them all.
      click_window_days: '60',
      view_window_days: '60',
    });
    const res = await fetch(`${baseUrl}/v5/ad_accounts/${accountId}/analytics?${query.toString()}`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(res.status).toBe(200);
    const [row] = (await res.json()) as Record<string, number>[];
    return {
      impressions: row!.IMPRESSION_1!,
      clicks: row!.CLICKTHROUGH_1!,
      conversions: row!.TOTAL_CONVERSIONS!,
      spendMicros: row!.SPEND_IN_MICRO_DOLLAR!,
      engagements: 0,
      ivtEvents: 0,
    };
  }

  it('generated traffic for several accounts without an error or an invalid event', () => {
    const totals = reportTotals(report);
    expect(report.errors).toEqual({});
    expect(report.hours).toBe(48);
    expect(totals.ivtEvents).toBe(0);
    expect(totals.impressions).toBeGreaterThan(100);
    expect(totals.clicks).toBeGreaterThan(20);
    expect(totals.conversions).toBeGreaterThan(5);
    expect(totals.spendMicros).toBeGreaterThan(0);
    const withImpressions = [...report.byAccount.values()].filter((t) => t.impressions > 0);
    expect(withImpressions.length).toBeGreaterThanOrEqual(2);
    expect(workerOutput).not.toMatch(/failed to start/);
  });

  it("shows in the analytics API exactly what the simulator says it generated, per account, to the unit", async () => {
    const accounts = new Map<string, { token: string; timezone: string }>();
    for (const login of seeded.logins.filter((l) => l.role !== 'FINANCE')) {
      const accessToken = await token(login.email, login.password);
      for (const id of login.adAccountIds) {
        const res = await fetch(`${baseUrl}/v5/ad_accounts/${id}`, { headers: { authorization: `Bearer ${accessToken}` } });
        accounts.set(id, { token: accessToken, timezone: ((await res.json()) as { timezone?: string }).timezone ?? 'UTC' });
      }
    }
    const generated = [...report.byAccount.entries()].filter(([, t]) => t.impressions > 0);
    expect(generated.length).toBeGreaterThanOrEqual(2);
    for (const [accountId, totals] of generated) {
      const account = accounts.get(accountId)!;
      expect(account).toBeDefined();
      const expected = { impressions: totals.impressions, clicks: totals.clicks, conversions: totals.conversions, spendMicros: totals.spendMicros, engagements: 0, ivtEvents: 0 };
      // The queues are drained; a rollup job may still be finishing its last statements.
      await eventually(async () => JSON.stringify(await analytics(account.token, accountId, account.timezone)) === JSON.stringify(expected), 60_000);
      expect(await analytics(account.token, accountId, account.timezone)).toEqual(expected);
    }
  });
});
