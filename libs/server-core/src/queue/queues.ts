import type { ConnectionOptions, DefaultJobOptions, Queue } from 'bullmq';
import type { LoupeConfig } from '../config/config';

/**
 * Every BullMQ queue Loupe uses, named in one place. Jobs must be safe to run twice.
 * The prefix is a Redis Cluster hash tag ({loupe}) so each queue's keys share a slot.
 */
export const QUEUES = {
  /** Worker self-check; proves the worker consumes from Redis. */
  system: 'system',
  /** Ad events (impressions, clicks, engagements, conversions) from the API, group-committed. */
  events: 'events',
  /** Events that could not be ingested (invalid or rejected by ClickHouse), with the reason. */
  eventsDeadLetter: 'events-dead-letter',
  /** Recompute one hour of one ad account's ClickHouse rollups (and its spend ledger rows). */
  rollups: 'rollups',
  /** Repeatable: compare the Postgres spend ledger with the ClickHouse rollups and record differences. */
  reconciliation: 'reconciliation',
  /** Build one async analytics report (POST /v5/ad_accounts/{id}/reports) into a file under REPORTS_DIR. */
  reports: 'reports',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** ioredis options for BullMQ from REDIS_URL. */
export function bullConnection(config: Pick<LoupeConfig, 'redis'>): ConnectionOptions {
  const u = new URL(config.redis.url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // BullMQ workers block on Redis; they must not give up on a slow reply.
    maxRetriesPerRequest: null,
  };
}

/**
 * Closes a queue handle without leaving an unhandled rejection behind: a connection
 * closed while still connecting (an app shut down right after boot, as tests do) makes
 * ioredis reject BullMQ's set-up commands with nobody to catch them. So wait for the
 * first connection to settle, then close; a dead Redis must not hang shutdown either,
 * so past `timeoutMs` the connection is dropped instead (without waiting for it).
 */
export async function closeQueue(queue: Pick<Queue, 'waitUntilReady' | 'close' | 'disconnect'>, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const closing = queue.waitUntilReady().then(
    () => queue.close().then(() => true, () => false),
    () => false,
  );
  const closed = await Promise.race([closing, deadline]);
  clearTimeout(timer);
  // Not awaited: BullMQ's disconnect waits for a client that a dead Redis never hands over.
  if (!closed) void queue.disconnect().catch(() => undefined);
}
