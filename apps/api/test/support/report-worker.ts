import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AsyncReportJob } from '@loupe/contracts';
import { bullConnection, LOUPE_CONFIG, MeasureStore, QUEUES, runAsyncReportJob, type LoupeConfig } from '@loupe/server-core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Worker } from 'bullmq';
import type { TestApp } from './test-app';

/**
 * Env of a test app that runs reports: its own REPORTS_DIR, and its own queue prefix so
 * the worker of a test file running alongside never takes (and writes) its jobs.
 */
export function reportsEnv(): { REPORTS_DIR: string; QUEUE_PREFIX: string } {
  return { REPORTS_DIR: mkdtempSync(join(tmpdir(), 'loupe-reports-')), QUEUE_PREFIX: `{loupe-test-${randomBytes(4).toString('hex')}}` };
}

/**
 * The worker's reports job (runAsyncReportJob, what apps/worker's ReportsProcessor
 * runs) under a real BullMQ Worker on the test Redis, reading through the app's
 * MeasureStore. Close it in afterAll.
 */
export function startReportWorker(app: NestFastifyApplication): Worker<AsyncReportJob> {
  const config = app.get<LoupeConfig>(LOUPE_CONFIG);
  const store = app.get(MeasureStore);
  return new Worker<AsyncReportJob>(QUEUES.reports, (job) => runAsyncReportJob(store, config, job), {
    connection: bullConnection(config),
    prefix: config.redis.queuePrefix,
  });
}

/** Polls the status route until the report leaves IN_PROGRESS (bounded, no timing assertion). */
export async function waitForReport(t: TestApp, auth: string, adAccountId: string, token: string): Promise<{ report_status: string; url: string | null; size: number | null; progress: number | null }> {
  for (let i = 0; i < 300; i++) {
    const res = await t.http().get(`/v5/ad_accounts/${adAccountId}/reports`).query({ token }).set('Authorization', auth);
    if (res.status !== 200) throw new Error(`report status answered ${res.status}: ${JSON.stringify(res.body)}`);
    const body = res.body as { report_status: string; url: string | null; size: number | null; progress: number | null };
    if (body.report_status !== 'IN_PROGRESS') return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`report ${token} still IN_PROGRESS after 30 s`);
}

/** The path (and query) of a download URL, for supertest. */
export function pathOf(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}
