import { z } from 'zod';

/**
 * The only place that reads process.env. Every variable, its default (chosen to
 * work on a local machine after scripts/services.sh) and its validation live here.
 */
const port = z.coerce.number().int().min(1).max(65_535);
const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  /** API processes sharing API_PORT (node:cluster; docs/operations.md "API processes"): 1 runs the API in the starting process. */
  API_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://loupe:loupe@127.0.0.1:5432/loupe'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379/0'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^\{[A-Za-z0-9_-]+\}$/, 'must be a Redis Cluster hash tag such as {loupe}')
    .default('{loupe}'),
  CLICKHOUSE_URL: url(['http:', 'https:']).default('http://127.0.0.1:8123'),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier')
    .default('loupe'),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  HEALTH_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(1500),
  WEB_DIST_DIR: z.string().default('dist/apps/web'),
  /** Requests per minute per access token (reads, writes) and per client IP (sign-up/login). */
  RATE_LIMIT_READ_PER_MINUTE: z.coerce.number().int().min(1).default(1000),
  RATE_LIMIT_WRITE_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  RATE_LIMIT_AUTH_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /** Shared secret of internal callers (the ad server's clients) for /internal/* routes. */
  SERVICE_KEY: z.string().min(16, 'must be at least 16 characters').default('loupe-dev-service-key-change-me'),
  /** HMAC key of tracking URLs; every API process must share it. */
  TRACKING_SECRET: z.string().min(16, 'must be at least 16 characters').default('loupe-dev-tracking-secret-change-me'),
  /** How long a tracking URL stays valid after its auction. */
  TRACKING_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(3600),
  /** Where async report files are written (API and worker must see the same directory). */
  REPORTS_DIR: z.string().min(1).default('tmp/reports'),
  /** HMAC key of report download URLs; every API process must share it. */
  REPORTS_SECRET: z.string().min(16, 'must be at least 16 characters').default('loupe-dev-reports-secret-change-me'),
  /** How long a download URL stays valid (Pinterest: five minutes). */
  REPORTS_URL_TTL_SECONDS: z.coerce.number().int().min(10).max(24 * 3600).default(300),
  /** How long a finished report's file is kept (Pinterest: one hour); then EXPIRED and deleted. */
  REPORTS_FILE_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 24 * 3600).default(3600),
  /** Events of hours older than this are rolled up by the week (docs/pipeline.md, "Scheduling"); unset: hour by hour. The start command sets it for the backfill. */
  ROLLUP_RANGE_AFTER_HOURS: z.coerce.number().int().min(1).optional(),
  /** How often the worker rebuilds the local-day rollups of accounts not known complete (docs/reports.md, "Local days"); 0 = never (tests, which share one Postgres across ClickHouse databases). */
  LOCAL_DAYS_SYNC_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
});

export type Env = z.infer<typeof envSchema>;

export interface LoupeConfig {
  env: Env['NODE_ENV'];
  log: { level: Env['LOG_LEVEL'] };
  api: { host: string; port: number; publicUrl: string; processes: number };
  postgres: { url: string };
  redis: { url: string; queuePrefix: string };
  clickhouse: { url: string; database: string; user: string; password: string };
  health: { timeoutMs: number };
  web: { distDir: string };
  rateLimit: { readPerMinute: number; writePerMinute: number; authPerMinute: number };
  serving: { serviceKey: string };
  tracking: { secret: string; ttlSeconds: number };
  reports: { dir: string; secret: string; urlTtlSeconds: number; fileTtlSeconds: number };
  /** rangeAfterHours absent or null: every rollup job is one hour. localDaysSyncSeconds absent: 30; 0: no local-days job. */
  rollups?: { rangeAfterHours: number | null; localDaysSyncSeconds?: number };
}

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; problem: string }[]) {
    super(
      `Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.problem}`).join('\n')}\n` +
        'Fix these environment variables (see docs/operations.md) and start again.',
    );
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment; throws ConfigError naming each bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): LoupeConfig {
  // Empty strings mean "unset" so `FOO= cmd` falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '(environment)');
        const given = source[variable];
        return { variable, problem: `${issue.message}${given === undefined ? '' : ` (got ${JSON.stringify(given)})`}` };
      }),
    );
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production') {
    const defaults = (['SERVICE_KEY', 'TRACKING_SECRET', 'REPORTS_SECRET'] as const).filter((k) => e[k] === envSchema.shape[k].parse(undefined));
    if (defaults.length > 0) {
      throw new ConfigError(defaults.map((variable) => ({ variable, problem: 'must be set to a secret of your own in production (the default is public)' })));
    }
  }
  return {
    env: e.NODE_ENV,
    log: { level: e.LOG_LEVEL },
    api: { host: e.API_HOST, port: e.API_PORT, publicUrl: e.PUBLIC_URL ?? `http://${e.API_HOST}:${e.API_PORT}`, processes: e.API_PROCESSES },
    postgres: { url: e.DATABASE_URL },
    redis: { url: e.REDIS_URL, queuePrefix: e.QUEUE_PREFIX },
    clickhouse: {
      url: e.CLICKHOUSE_URL,
      database: e.CLICKHOUSE_DATABASE,
      user: e.CLICKHOUSE_USER,
      password: e.CLICKHOUSE_PASSWORD,
    },
    health: { timeoutMs: e.HEALTH_TIMEOUT_MS },
    web: { distDir: e.WEB_DIST_DIR },
    rateLimit: {
      readPerMinute: e.RATE_LIMIT_READ_PER_MINUTE,
      writePerMinute: e.RATE_LIMIT_WRITE_PER_MINUTE,
      authPerMinute: e.RATE_LIMIT_AUTH_PER_MINUTE,
    },
    serving: { serviceKey: e.SERVICE_KEY },
    tracking: { secret: e.TRACKING_SECRET, ttlSeconds: e.TRACKING_TTL_SECONDS },
    reports: { dir: e.REPORTS_DIR, secret: e.REPORTS_SECRET, urlTtlSeconds: e.REPORTS_URL_TTL_SECONDS, fileTtlSeconds: e.REPORTS_FILE_TTL_SECONDS },
    rollups: { rangeAfterHours: e.ROLLUP_RANGE_AFTER_HOURS ?? null, localDaysSyncSeconds: e.LOCAL_DAYS_SYNC_SECONDS },
  };
}
