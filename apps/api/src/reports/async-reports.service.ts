import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ASYNC_REPORT_LIMITS, type AsyncReportCreate, type AsyncReportGetResponse, type AsyncReportJob, type AsyncReportJobResult } from '@loupe/contracts';
import {
  addDays,
  bullConnection,
  daysBetween,
  DEFAULT_JOB_OPTIONS,
  InvalidParametersException,
  LOUPE_CONFIG,
  closeQueue,
  NotFoundException,
  QUEUES,
  reportFilePath,
  signReportFileToken,
  verifyReportFileToken,
  type LoupeConfig,
  type ReportFormat,
} from '@loupe/server-core';
import { Queue } from 'bullmq';
import type { AdAccountScope } from '../auth/request-context';

const TOKEN = /^[0-9a-f-]{36}$/;
/** Filters a level can apply: a level's rollup rows carry its own and its parents' ids only. */
const LEVEL_FILTERS: Record<AsyncReportCreate['level'], readonly ('campaign_ids' | 'ad_group_ids' | 'ad_ids')[]> = {
  ADVERTISER: [],
  CAMPAIGN: ['campaign_ids'],
  AD_GROUP: ['campaign_ids', 'ad_group_ids'],
  PIN_PROMOTION: ['campaign_ids', 'ad_group_ids', 'ad_ids'],
};

/**
 * Pinterest's async reports: the request is checked here and queued; the worker
 * (apps/worker/src/reports) builds the file; the status answers with a short-lived
 * signed URL that GET /v5/report_files/{file_token} serves without other credentials.
 */
@Injectable()
export class AsyncReportsService implements OnApplicationShutdown {
  private readonly logger = new Logger(AsyncReportsService.name);
  private queueHandle: Queue<AsyncReportJob, AsyncReportJobResult> | null = null;

  constructor(@Inject(LOUPE_CONFIG) private readonly config: LoupeConfig) {}

  /** Connected on first use: most API processes never queue a report. */
  private get queue(): Queue<AsyncReportJob, AsyncReportJobResult> {
    if (!this.queueHandle) {
      this.queueHandle = new Queue(QUEUES.reports, { connection: bullConnection(this.config), prefix: this.config.redis.queuePrefix });
      this.queueHandle.on('error', (err) => this.logger.warn(`reports queue: ${err.message}`));
    }
    return this.queueHandle;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.queueHandle) await closeQueue(this.queueHandle);
  }

  async create(scope: AdAccountScope, request: AsyncReportCreate, userId: string, now = new Date()): Promise<{ report_status: 'IN_PROGRESS'; token: string; message: string | null }> {
    checkRequest(request, now);
    const token = randomUUID();
    const data: AsyncReportJob = { adAccountId: scope.id, timezone: scope.timezone, currency: scope.currency, request, requestedBy: userId };
    await this.queue.add('report', data, {
      ...DEFAULT_JOB_OPTIONS,
      jobId: token,
      attempts: 3,
      // Kept a while past the file's life so the status can say EXPIRED rather than DOES_NOT_EXIST.
      removeOnComplete: { age: this.config.reports.fileTtlSeconds * 2 },
    });
    return { report_status: 'IN_PROGRESS', token, message: null };
  }

  async status(scope: AdAccountScope, token: string, now = new Date()): Promise<AsyncReportGetResponse> {
    const none: AsyncReportGetResponse = { report_status: 'DOES_NOT_EXIST', url: null, size: null, progress: null };
    if (!TOKEN.test(token)) return none;
    // The state is read before the job: a job read first could complete before its state
    // is asked, and the stale copy would then be 'completed' without a return value.
    const state = await this.queue.getJobState(token);
    if (state === 'unknown') return none;
    const job = await this.queue.getJob(token);
    // Another account's token is answered as unknown: tokens do not cross accounts.
    if (!job || job.data.adAccountId !== scope.id) return none;
    if (state === 'failed') return { report_status: 'FAILED', url: null, size: null, progress: null };
    const result = state === 'completed' ? job.returnvalue : null;
    if (!result) return { report_status: 'IN_PROGRESS', url: null, size: null, progress: progressOf(job.progress) };
    const expiresAt = result.finishedAt + this.config.reports.fileTtlSeconds * 1000;
    const path = reportFilePath(this.config.reports.dir, token, result.format);
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    if (now.getTime() >= expiresAt || !exists) return { report_status: 'EXPIRED', url: null, size: null, progress: null };
    const urlExpiry = Math.min(Math.floor(now.getTime() / 1000) + this.config.reports.urlTtlSeconds, Math.floor(expiresAt / 1000));
    const signed = signReportFileToken(this.config.reports.secret, { token, format: result.format }, urlExpiry);
    return { report_status: 'FINISHED', url: `${this.config.api.publicUrl}/v5/report_files/${signed}`, size: result.size, progress: 100 };
  }

  /** The file a signed token names; 404 for a forged, expired or deleted one (nothing tells them apart to a stranger). */
  async open(fileToken: string, now = new Date()): Promise<{ stream: NodeJS.ReadableStream; format: ReportFormat; token: string }> {
    const verified = verifyReportFileToken(this.config.reports.secret, fileToken, Math.floor(now.getTime() / 1000));
    if (!verified.ok) {
      throw new NotFoundException(verified.reason === 'expired' ? 'This report link has expired; ask for the report status again for a new one.' : 'Report file not found.');
    }
    const path = reportFilePath(this.config.reports.dir, verified.token, verified.format);
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    if (!exists) throw new NotFoundException('Report file not found (it has expired).');
    return { stream: createReadStream(path), format: verified.format, token: verified.token };
  }
}

/** The worker reports a whole percentage (`job.progress`); anything else (an object, nothing yet) reads as 0. */
function progressOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(100, Math.max(0, Math.round(value))) : 0;
}

/** Pinterest's async limits, with messages that say what to send instead. */
function checkRequest(request: AsyncReportCreate, now: Date): void {
  const bad = (message: string): never => {
    throw new InvalidParametersException(`Invalid parameters. ${message}`);
  };
  if (request.end_date < request.start_date) bad(`end_date (${request.end_date}) must not be before start_date (${request.start_date}).`);
  const today = now.toISOString().slice(0, 10);
  const hour = request.granularity === 'HOUR';
  const back = hour ? ASYNC_REPORT_LIMITS.hourMaxDaysBack : ASYNC_REPORT_LIMITS.maxDaysBack;
  const width = hour ? ASYNC_REPORT_LIMITS.hourMaxRangeDays : ASYNC_REPORT_LIMITS.maxRangeDays;
  if (request.start_date < addDays(today, -back)) bad(`start_date can be at most ${back} days before today (${addDays(today, -back)} or later)${hour ? ' with granularity HOUR' : ''}.`);
  const span = daysBetween(request.start_date, request.end_date) + 1;
  if (span > width) bad(`The date range covers ${span} days; at most ${width} days per report${hour ? ' with granularity HOUR' : ''}.`);
  for (const name of ['campaign_ids', 'ad_group_ids', 'ad_ids'] as const) {
    if (request[name] && !LEVEL_FILTERS[request.level].includes(name)) bad(`${name} cannot filter a ${request.level} report; use a level at or below what it names.`);
  }
}
