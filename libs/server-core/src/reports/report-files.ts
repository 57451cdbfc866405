import { createHmac, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { asyncReportCreateSchema, type AsyncReportJob, type AsyncReportJobResult } from '@loupe/contracts';
import type { LoupeConfig } from '../config/config';
import { PINTEREST_COLUMNS, pinterestRow, type MetricDefinition, type PinterestColumn } from '@loupe/metrics';
import { createCsvExport, type CsvColumn } from '../csv/csv-export';
import { metricCsvValue } from '../csv/metric-columns';
import type { MeasureStore } from './measure-store';
import { PINTEREST_ID_FIELD, pinterestSlices, type PinterestReportRequest } from './pinterest-report';

/*
 * Async report files (docs/reports.md): the worker writes `<token>.json|.csv` under
 * REPORTS_DIR; the API hands out a short-lived HMAC-signed URL for it; files older
 * than REPORTS_FILE_TTL_SECONDS are reported EXPIRED and deleted by the next job's sweep.
 */

export type ReportFormat = 'JSON' | 'CSV';
const TOKEN = /^[0-9a-f-]{36}$/;
const LEVEL: Record<AsyncReportJob['request']['level'], PinterestReportRequest['level']> = {
  ADVERTISER: 'ad_account',
  CAMPAIGN: 'campaign',
  AD_GROUP: 'ad_group',
  PIN_PROMOTION: 'ad',
};

export function reportFilePath(dir: string, token: string, format: ReportFormat): string {
  if (!TOKEN.test(token)) throw new Error(`not a report token: ${token}`);
  return join(resolve(dir), `${token}.${format === 'CSV' ? 'csv' : 'json'}`);
}

const mac = (secret: string, payload: string): string => createHmac('sha256', secret).update(payload).digest().subarray(0, 16).toString('base64url');

/**
 * `<token>.<j|c>.<expiry, unix seconds base 36>.<HMAC-SHA256 truncated to 128 bits>`:
 * names the file and when the URL stops working, short enough for one path segment
 * (Fastify's default limit is 100 characters).
 */
export function signReportFileToken(secret: string, file: { token: string; format: ReportFormat }, expiresAtSeconds: number): string {
  const payload = `${file.token}.${file.format === 'CSV' ? 'c' : 'j'}.${Math.floor(expiresAtSeconds).toString(36)}`;
  return `${payload}.${mac(secret, payload)}`;
}

export type VerifiedReportFile = { ok: true; token: string; format: ReportFormat } | { ok: false; reason: 'forged' | 'expired' };

export function verifyReportFileToken(secret: string, signed: string, nowSeconds: number): VerifiedReportFile {
  const parts = signed.split('.');
  if (parts.length !== 4) return { ok: false, reason: 'forged' };
  const [token, format, expiry, signature] = parts as [string, string, string, string];
  const expected = Buffer.from(mac(secret, `${token}.${format}.${expiry}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
  if (!TOKEN.test(token) || (format !== 'c' && format !== 'j')) return { ok: false, reason: 'forged' };
  if (parseInt(expiry, 36) <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, token, format: format === 'c' ? 'CSV' : 'JSON' };
}

/** A CSV column of a Pinterest report column: counts and *_MICRO_DOLLAR as integers, ratios and *_DOLLAR as exact decimals. */
function csvColumn(column: PinterestColumn): CsvColumn {
  const kind = (PINTEREST_COLUMNS[column] as MetricDefinition).kind;
  return { key: column, header: column, type: kind === 'count' || kind === 'money_micros' ? 'integer' : 'decimal' };
}

export interface BuiltReport {
  path: string;
  size: number;
  rows: number;
}

/**
 * Builds one async report into its file: the same rows as the synchronous analytics
 * endpoint (pinterestSlices through MeasureStore), as a JSON array of those rows or a
 * CSV (createCsvExport: commented header with account, period, timezone, currency and
 * windows; exact decimals). Written to a temporary name and renamed, so a reader never
 * sees half a file.
 */
export async function buildAsyncReport(
  store: MeasureStore,
  dir: string,
  token: string,
  job: AsyncReportJob,
  onProgress: (fraction: number) => Promise<unknown> | void,
  now = new Date(),
): Promise<BuiltReport> {
  const r = job.request;
  const level = LEVEL[r.level];
  const slices = await pinterestSlices(store, { id: job.adAccountId, timezone: job.timezone }, {
    level,
    startDate: r.start_date,
    endDate: r.end_date,
    granularity: r.granularity,
    columns: r.columns,
    filter: { campaign_id: r.campaign_ids, ad_group_id: r.ad_group_ids, ad_id: r.ad_ids },
    clickWindowDays: r.click_window_days,
    viewWindowDays: r.view_window_days,
    reportTime: r.conversion_report_time,
  });
  await onProgress(0.5);
  await mkdir(resolve(dir), { recursive: true });
  const path = reportFilePath(dir, token, r.report_format);
  const partial = `${path}.partial`;
  if (r.report_format === 'JSON') {
    // Exactly the synchronous endpoint's rows (same numbers, same rounding).
    const rows = slices.map((s) => ({ ...s.fields, ...pinterestRow(r.columns, s.measures) }));
    await writeFile(partial, JSON.stringify(rows));
  } else {
    const idField = PINTEREST_ID_FIELD[level];
    const timeColumns: CsvColumn[] =
      r.granularity === 'TOTAL' ? [] : [{ key: 'DATE', header: 'DATE', type: 'text' }, ...(r.granularity === 'HOUR' ? [{ key: 'HOUR', header: 'HOUR', type: 'integer' as const }] : [])];
    const columns: CsvColumn[] = [{ key: idField, header: idField, type: 'text' }, ...timeColumns, ...r.columns.map(csvColumn)];
    const rows = slices.map((s) => ({
      [idField]: s.fields[idField] ?? job.adAccountId,
      DATE: s.fields.DATE,
      HOUR: s.fields.HOUR,
      ...Object.fromEntries(r.columns.map((c) => {
        const def: MetricDefinition = PINTEREST_COLUMNS[c];
        return [c, metricCsvValue(def, def.compute(s.measures))];
      })),
    }));
    const csv = createCsvExport(rows, {
      columns,
      meta: {
        title: `Loupe async report (${r.level}, ${r.granularity})`,
        account: job.adAccountId,
        period: `${r.start_date} to ${r.end_date} (inclusive)`,
        timezone: job.timezone,
        currency: job.currency,
        attributionWindows: `click ${r.click_window_days} days; view ${r.view_window_days} days; reported at ${r.conversion_report_time}`,
        generatedAt: now,
        // Pinterest's column names decide the unit, whatever the generic `money` line says.
        extra: [
          ['report token', token],
          ['columns', '*_IN_MICRO_DOLLAR: integer micros of the currency (Pinterest names); *_IN_DOLLAR and ratios: exact decimals'],
        ],
      },
      checksum: 'trailer',
      onProgress: (written) => void onProgress(0.5 + (0.5 * written) / Math.max(1, rows.length)),
    });
    await pipeline(csv, createWriteStream(partial));
  }
  await rename(partial, path);
  const { size } = await stat(path);
  await onProgress(1);
  return { path, size, rows: slices.length };
}

/** Deletes report files older than `ttlSeconds` (and abandoned partial files); returns how many. */
export async function sweepExpiredReports(dir: string, ttlSeconds: number, now = new Date()): Promise<number> {
  let names: string[];
  try {
    names = await readdir(resolve(dir));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const path = join(resolve(dir), name);
    const info = await stat(path).catch(() => null);
    if (info && now.getTime() - info.mtimeMs > ttlSeconds * 1000) {
      await unlink(path).catch(() => undefined);
      removed += 1;
    }
  }
  return removed;
}

/** A BullMQ job as the reports job reads it (a structural type: server-core does not depend on bullmq's Job class). */
export interface ReportJobLike {
  id?: string;
  data: AsyncReportJob;
  updateProgress(progress: number): Promise<unknown>;
}

/** Thrown for a payload that can never succeed (the processor fails it without retrying). */
export class InvalidReportJobError extends Error {}

/**
 * One `reports` job: sweep expired files, build this report, return what the status
 * route needs. The worker's processor calls this; so can a test under a plain Worker.
 */
export async function runAsyncReportJob(store: MeasureStore, config: Pick<LoupeConfig, 'reports'>, job: ReportJobLike): Promise<AsyncReportJobResult & { removedExpired: number }> {
  const request = asyncReportCreateSchema.safeParse(job.data?.request);
  if (!request.success || !job.id || !job.data.adAccountId) throw new InvalidReportJobError(`invalid reports job payload: ${request.error?.message ?? 'no id or account'}`);
  const removedExpired = await sweepExpiredReports(config.reports.dir, config.reports.fileTtlSeconds);
  const built = await buildAsyncReport(store, config.reports.dir, job.id, { ...job.data, request: request.data }, (fraction) => job.updateProgress(Math.round(fraction * 100)));
  return { format: request.data.report_format, size: built.size, rows: built.rows, finishedAt: Date.now(), removedExpired };
}
