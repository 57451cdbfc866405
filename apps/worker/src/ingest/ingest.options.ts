/**
 * Tuning of the ingest worker. The figures and how they were chosen are in
 * docs/pipeline.md ("Batch size"); tests shrink the timers, never the guarantees.
 */
export interface IngestOptions {
  /** A batch is inserted as soon as it holds this many events (one insert = one part). */
  maxBatchEvents: number;
  /** …or when its oldest event has waited this long. */
  flushIntervalMs: number;
  /**
   * `events` jobs held at once by the process, shared evenly by its pipelines; more wait in
   * Redis (back-pressure while ClickHouse is down).
   */
  concurrency: number;
  /**
   * Independent pipelines per process, each a BullMQ worker on `events` feeding its own
   * EventBatcher (one batch in flight each): with two, one batch claims while the other
   * inserts. Exactly once holds for any number (every batch has its own claims, lease and
   * commit); docs/pipeline.md ("Benchmark") has the measurements behind the default.
   */
  pipelines: number;
  /** How long a batch owns its event ids without renewing; renewed before every insert. */
  leaseMs: number;
  /** HTTP timeout of one insert. Must be well under `leaseMs` (fencing by time). */
  insertTimeoutMs: number;
  /** How long an event id is remembered as inserted (duplicates within this window are dropped). */
  dedupTtlSeconds: number;
  /** Backoff between retries while ClickHouse or Redis is unreachable. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** BullMQ: lock of an active job; a killed worker's jobs are retried once it lapses. */
  lockDurationMs: number;
  /** BullMQ: how often stalled jobs are looked for. */
  stalledIntervalMs: number;
  /** BullMQ: stalls tolerated before a job is failed (kills and restarts are not the job's fault). */
  maxStalledCount: number;
  /** At shutdown, how long to wait for the buffer to be inserted before leaving its jobs to another worker. */
  shutdownTimeoutMs: number;
}

export const DEFAULT_INGEST_OPTIONS: IngestOptions = {
  maxBatchEvents: 20_000,
  flushIntervalMs: 500,
  concurrency: 200,
  pipelines: 2,
  leaseMs: 15_000,
  insertTimeoutMs: 10_000,
  dedupTtlSeconds: 72 * 3600,
  retryBaseMs: 200,
  retryMaxMs: 5_000,
  lockDurationMs: 10_000,
  stalledIntervalMs: 5_000,
  maxStalledCount: 20,
  shutdownTimeoutMs: 8_000,
};

export const INGEST_OPTIONS = Symbol('INGEST_OPTIONS');
