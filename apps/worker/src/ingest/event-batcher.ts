import { randomUUID } from 'node:crypto';
import {
  EventRowError,
  eventValuesRow,
  eventsInsert,
  existingEventIds,
  SqlFragment,
  type ClickHouseExecutor,
  type RenderedEventRow,
} from '@loupe/analytics';
import type { AdEvent, DeadLetterJob, RollupJob } from '@loupe/contracts';
import { isTransientClickHouseFailure } from './clickhouse-failure';
import type { EventClaims } from './event-claims';
import type { IngestOptions } from './ingest.options';

export interface IngestLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** Where the batcher sends what it cannot insert and what it has inserted. */
export interface IngestSinks {
  claims: EventClaims;
  /** Inserts go through an executor whose request timeout is `insertTimeoutMs`. */
  clickhouse: ClickHouseExecutor;
  database: string;
  deadLetters: { publish(letters: readonly DeadLetterJob[]): Promise<void> };
  /**
   * `heavy`: the batch was cut full (events arrive faster than `maxBatchEvents` per flush
   * interval, or a backlog is draining), so the rollups may coalesce longer (schedule.ts).
   */
  rollups: { schedule(hours: readonly RollupJob[], options: { heavy: boolean }): Promise<void> };
  logger: IngestLogger;
}

/** The worker is shutting down and leaves this batch's jobs to another worker. */
export class IngestStoppedError extends Error {
  override readonly name = 'IngestStoppedError';
}

interface Ticket {
  jobId: string;
  remaining: number;
  resolve: () => void;
}

/**
 * A buffered event: an AdEvent of a first-format job, or a row of a lean job (checked by
 * readEventValuesRow), which carries the keys the batcher needs besides the row.
 */
type BufferedEvent = AdEvent | RenderedEventRow;

interface Entry {
  event: BufferedEvent;
  ticket: Ticket;
  /** Its VALUES row, rendered as the job arrives (off the batch's path) or by the API, or why it cannot be one. */
  row: SqlFragment | { error: string };
}

/** One distinct event id of a batch and every buffered copy of it. */
interface Item {
  event: BufferedEvent;
  entries: Entry[];
  row: SqlFragment;
}

/** What happened to the items of one batch. */
export interface BatchOutcome {
  inserted: number;
  /** Already in ClickHouse (a committed batch, or a dead one whose insert had landed). */
  duplicates: number;
  deadLettered: number;
  /** Owned by another live batch; put back in the buffer. */
  deferred: number;
}

const HOUR_SECONDS = 3600;

/**
 * Buffers events from many `events` jobs and inserts them into ClickHouse in large
 * batches, exactly once (docs/pipeline.md). `submit` resolves when every event of
 * the job is committed, recognised as a duplicate or dead-lettered — only then may
 * the job be acknowledged.
 *
 * One batch is in flight at a time; the next one fills meanwhile. A batch is cut
 * when the buffer holds `maxBatchEvents`, when its oldest event has waited
 * `flushIntervalMs`, when every job slot of the worker is waiting on it (no more
 * events can arrive), and at shutdown.
 */
export class EventBatcher {
  private buffer: Entry[] = [];
  private bufferSince = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | null = null;
  private heldJobs = 0;
  private restUntil = 0;
  private stopped = false;
  private readonly stopWaiters = new Set<() => void>();
  /** Totals since start, for logs and tests. */
  readonly stats: BatchOutcome & { batches: number } = { inserted: 0, duplicates: 0, deadLettered: 0, deferred: 0, batches: 0 };

  constructor(
    private readonly sinks: IngestSinks,
    private readonly options: Pick<
      IngestOptions,
      'maxBatchEvents' | 'flushIntervalMs' | 'concurrency' | 'insertTimeoutMs' | 'retryBaseMs' | 'retryMaxMs'
    >,
  ) {}

  /**
   * Buffers the events of one job — AdEvents (rendered here) and rows the API rendered
   * (lean jobs) — and resolves once all of them are settled.
   */
  submit(jobId: string, events: readonly AdEvent[], rendered: readonly RenderedEventRow[] = []): Promise<void> {
    // Shutting down: never settle, so the job is neither completed nor failed (which would
    // use up an attempt) but left active, and retried by another worker once its lock lapses.
    if (this.stopped) return new Promise<void>(() => undefined);
    if (events.length === 0 && rendered.length === 0) return Promise.resolve();
    // Rendered here, while an earlier batch is being inserted, rather than when a batch is cut.
    const rows = events.map(renderRow);
    return new Promise<void>((resolve) => {
      this.heldJobs++;
      const ticket: Ticket = {
        jobId,
        remaining: events.length + rendered.length,
        resolve: () => {
          this.heldJobs--;
          resolve();
        },
      };
      if (this.buffer.length === 0) this.bufferSince = Date.now();
      for (let i = 0; i < events.length; i++) this.buffer.push({ event: events[i], ticket, row: rows[i] });
      for (const event of rendered) this.buffer.push({ event, ticket, row: event.row });
      this.schedule();
    });
  }

  /** Events waiting for a batch (not counting the one in flight). */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Inserts everything buffered now (shutdown); resolves when the buffer is empty. */
  async drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (!this.stopped && (this.buffer.length > 0 || this.flushing)) {
      if (this.flushing) await this.flushing;
      else await this.startFlush();
    }
  }

  /** Abandons retries: jobs not yet settled stay active in Redis and are retried by another worker. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const wake of this.stopWaiters) wake();
  }

  private schedule(): void {
    if (this.flushing || this.stopped) return;
    const full = this.buffer.length >= this.options.maxBatchEvents;
    // Every job slot waits on this buffer: no more events can come until it is inserted.
    const saturated = this.heldJobs >= this.options.concurrency;
    // Events owned by another live batch were just put back: give that batch time.
    const resting = Date.now() < this.restUntil;
    if ((full || saturated) && !resting) {
      void this.startFlush();
      return;
    }
    if (this.buffer.length > 0 && this.timer === undefined) {
      const wait = Math.max(0, this.options.flushIntervalMs - (Date.now() - this.bufferSince), this.restUntil - Date.now());
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.startFlush();
      }, wait);
    }
  }

  private startFlush(): Promise<void> {
    if (this.flushing) return this.flushing;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped || this.buffer.length === 0) return Promise.resolve();
    const entries = this.buffer.splice(0, this.options.maxBatchEvents);
    this.bufferSince = Date.now();
    this.flushing = this.commitBatch(entries)
      .catch((error: unknown) => {
        if (error instanceof IngestStoppedError) return;
        // A bug, not an outage: put the events back rather than lose them, and say so loudly.
        this.sinks.logger.error(`ingest batch failed unexpectedly, re-buffering: ${describe(error)}`);
        this.buffer.unshift(...entries.filter((e) => e.ticket.remaining > 0));
        this.restUntil = Date.now() + this.options.flushIntervalMs;
      })
      .finally(() => {
        this.flushing = null;
        this.schedule();
      });
    return this.flushing;
  }

  /** Inserts one batch exactly once; settles or re-buffers every entry. */
  private async commitBatch(entries: Entry[]): Promise<void> {
    const outcome: BatchOutcome = { inserted: 0, duplicates: 0, deadLettered: 0, deferred: 0 };
    const letters: DeadLetterJob[] = [];
    const { items: distinctItems, unrenderable } = this.distinct(entries, letters);
    let items = distinctItems;
    outcome.deadLettered += letters.length;
    const settled: Item[] = [];
    const touched = new Map<string, RollupJob>();
    const deferred: Entry[] = [];
    let batchId = randomUUID();
    /** Every id this batch claimed under (a lapsed lease changes it); all are committed at the end. */
    const batchIds = [batchId];

    // A lease lost mid-batch (the worker stalled past it) restarts the claim under a new id.
    while (items.length > 0) {
      const statuses = await this.retry('claim event ids in Redis', () =>
        this.sinks.claims.claim(
          batchId,
          items.map((i) => i.event.event_id),
        ),
      );
      if (statuses === null) {
        // The lease lapsed between claim chunks (a stall): nothing was inserted under this id.
        this.sinks.logger.warn(`ingest batch ${batchId} lost its lease while claiming; claiming ${items.length} events under a new batch`);
        batchId = randomUUID();
        batchIds[batchIds.length - 1] = batchId;
        continue;
      }
      const toInsert: Item[] = [];
      const takenOver: Item[] = [];
      items.forEach((item, i) => {
        const status = statuses[i];
        if (status === 'duplicate') {
          outcome.duplicates++;
          settled.push(item);
        } else if (status === 'busy') {
          outcome.deferred++;
          deferred.push(...item.entries);
        } else if (status === 'takeover') takenOver.push(item);
        else toInsert.push(item);
      });
      if (takenOver.length > 0) {
        // Recovery path: the dead owner's insert may have landed before it died.
        const present = await this.presentInClickHouse(takenOver);
        for (const item of takenOver) {
          if (present.has(item.event.event_id)) {
            outcome.duplicates++;
            settled.push(item);
            addHour(touched, item.event); // the dead owner may not have scheduled its rollups
          } else toInsert.push(item);
        }
      }
      const result = await this.insertExactlyOnce(batchId, toInsert);
      for (const item of result.inserted) {
        outcome.inserted++;
        settled.push(item);
        addHour(touched, item.event);
      }
      for (const item of result.present) {
        outcome.duplicates++;
        settled.push(item);
        addHour(touched, item.event);
      }
      for (const { item, reason } of result.rejected) {
        outcome.deadLettered++;
        letters.push(deadLetter('clickhouse', reason, payloadOf(item.event), item.entries[0].ticket.jobId, item.event.event_id));
        settled.push(item);
      }
      if (result.rejected.length > 0) {
        const rejectedIds = result.rejected.map((r) => r.item.event.event_id);
        await this.retry('release dead-lettered ids', () => this.sinks.claims.release(batchId, rejectedIds));
      }
      items = result.leaseLost;
      if (items.length > 0) {
        this.sinks.logger.warn(`ingest batch ${batchId} lost its lease; re-claiming ${items.length} events under a new batch`);
        batchId = randomUUID();
        batchIds.push(batchId);
      }
    }

    // Order matters: dead letters and rollup jobs are stored before the batch is marked
    // committed, so "committed" implies both, and a crash before it repeats them (both idempotent).
    if (letters.length > 0) await this.retry('store dead letters', () => this.sinks.deadLetters.publish(letters));
    const heavy = entries.length >= this.options.maxBatchEvents;
    if (touched.size > 0) await this.retry('schedule rollups', () => this.sinks.rollups.schedule([...touched.values()], { heavy }));
    // Ids inserted before a lapsed lease still point to the earlier batch id: commit it too.
    for (const id of batchIds) await this.retry('mark the batch committed', () => this.sinks.claims.commit(id));

    for (const item of settled) for (const entry of item.entries) settle(entry);
    for (const entry of unrenderable) settle(entry);
    if (deferred.length > 0) {
      if (this.buffer.length === 0) this.bufferSince = Date.now();
      this.buffer.push(...deferred);
      this.restUntil = Date.now() + this.options.flushIntervalMs;
    }
    this.stats.batches++;
    this.stats.inserted += outcome.inserted;
    this.stats.duplicates += outcome.duplicates;
    this.stats.deadLettered += outcome.deadLettered;
    this.stats.deferred += outcome.deferred;
  }

  /**
   * One item per event id (copies within the batch ride along with the first). An event
   * that could not become a row (rendered in `submit`) is dead-lettered, not inserted;
   * its entries are returned apart, to be settled once the dead letter is stored.
   */
  private distinct(entries: readonly Entry[], letters: DeadLetterJob[]): { items: Item[]; unrenderable: Entry[] } {
    const byId = new Map<string, Entry[]>();
    const items: Item[] = [];
    const unrenderable: Entry[] = [];
    for (const entry of entries) {
      const copies = byId.get(entry.event.event_id);
      if (copies !== undefined) {
        copies.push(entry);
        continue;
      }
      if (entry.row instanceof SqlFragment) {
        const item: Item = { event: entry.event, entries: [entry], row: entry.row };
        byId.set(entry.event.event_id, item.entries);
        items.push(item);
      } else {
        letters.push(deadLetter('format', entry.row.error, payloadOf(entry.event), entry.ticket.jobId, entry.event.event_id));
        unrenderable.push(entry);
        // Later copies of this id join `unrenderable` through byId.
        byId.set(entry.event.event_id, unrenderable);
      }
    }
    return { items, unrenderable };
  }

  private async presentInClickHouse(items: readonly Item[]): Promise<Set<string>> {
    return this.retry('look up taken-over events in ClickHouse', () =>
      existingEventIds(
        this.sinks.clickhouse,
        this.sinks.database,
        items.map((i) => i.event),
      ),
    );
  }

  /**
   * Inserts the items under the batch's lease. Before every attempt the lease is renewed
   * (an insert never starts with less than `leaseMs` left, and it is abandoned after
   * `insertTimeoutMs`, so no one can take the ids over while it may still land). After
   * any failed attempt the outcome is uncertain, so the next attempt first drops what
   * ClickHouse already has. A rejection (not an outage) is bisected down to the rows.
   */
  private async insertExactlyOnce(
    batchId: string,
    items: Item[],
  ): Promise<{ inserted: Item[]; present: Item[]; rejected: { item: Item; reason: string }[]; leaseLost: Item[] }> {
    const inserted: Item[] = [];
    const present: Item[] = [];
    const rejected: { item: Item; reason: string }[] = [];
    const segments: Item[][] = items.length > 0 ? [items] : [];
    let uncertain = false;
    let failures = 0;
    while (segments.length > 0) {
      let segment = segments.shift() as Item[];
      const renewed = await this.retry('renew the batch lease', () => this.sinks.claims.renew(batchId));
      if (!renewed) return { inserted, present, rejected, leaseLost: [segment, ...segments].flat() };
      if (uncertain) {
        const found = await this.presentInClickHouse(segment);
        present.push(...segment.filter((i) => found.has(i.event.event_id)));
        segment = segment.filter((i) => !found.has(i.event.event_id));
        if (segment.length === 0) continue;
      }
      try {
        await this.sinks.clickhouse.command(
          eventsInsert(
            this.sinks.database,
            segment.map((i) => i.row),
          ),
        );
        inserted.push(...segment);
        failures = 0;
      } catch (error) {
        uncertain = true;
        if (isTransientClickHouseFailure(error)) {
          failures++;
          this.sinks.logger.warn(`ClickHouse insert failed (${describe(error)}); keeping ${segment.length} events and retrying`);
          await this.sleep(this.backoff(failures));
          segments.unshift(segment);
        } else if (segment.length === 1) {
          rejected.push({ item: segment[0], reason: `ClickHouse rejected the row: ${describe(error)}` });
        } else {
          const half = Math.ceil(segment.length / 2);
          segments.unshift(segment.slice(0, half), segment.slice(half));
        }
      }
    }
    return { inserted, present, rejected, leaseLost: [] };
  }

  /** Retries an operation on Redis or ClickHouse with capped exponential backoff until it works or the worker stops. */
  async retry<T>(what: string, operation: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) throw new IngestStoppedError(`stopped while trying to ${what}`);
      try {
        return await operation();
      } catch (error) {
        if (attempt === 1 || attempt % 10 === 0) this.sinks.logger.warn(`could not ${what} (attempt ${attempt}), retrying: ${describe(error)}`);
        await this.sleep(this.backoff(attempt));
      }
    }
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** Math.min(attempt - 1, 16));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.reject(new IngestStoppedError('stopped'));
    return new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.stopWaiters.delete(wake);
        reject(new IngestStoppedError('stopped'));
      };
      const timer = setTimeout(() => {
        this.stopWaiters.delete(wake);
        resolve();
      }, ms);
      this.stopWaiters.add(wake);
    });
  }
}

/** The event's VALUES row, or why it cannot be one (dead-lettered with stage `format`). */
function renderRow(event: AdEvent): SqlFragment | { error: string } {
  try {
    return eventValuesRow(event);
  } catch (error) {
    if (!(error instanceof EventRowError)) throw error;
    return { error: error.message };
  }
}

function settle(entry: Entry): void {
  entry.ticket.remaining--;
  if (entry.ticket.remaining === 0) entry.ticket.resolve();
}

function addHour(touched: Map<string, RollupJob>, event: BufferedEvent): void {
  const hour = Math.floor(event.event_time_ms / 1000 / HOUR_SECONDS) * HOUR_SECONDS;
  const key = `${event.ad_account_id}/${hour}`;
  if (!touched.has(key)) touched.set(key, { ad_account_id: event.ad_account_id, hour });
}

/** What a dead letter keeps of an event: the AdEvent as received, or a lean job's row text. */
function payloadOf(event: BufferedEvent): unknown {
  return 'row' in event ? event.row.text : event;
}

export function deadLetter(stage: DeadLetterJob['stage'], reason: string, payload: unknown, sourceJobId: string, eventId?: string): DeadLetterJob {
  const payloadId = (payload as { event_id?: unknown } | null)?.event_id;
  return {
    stage,
    reason,
    source_job_id: sourceJobId,
    event_id: eventId ?? (typeof payloadId === 'string' ? payloadId : ''),
    payload,
    failed_at_ms: Date.now(),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
