import { createHash } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { DeadLetterJob } from '@loupe/contracts';
import { QUEUES } from '@loupe/server-core';
import type { Queue } from 'bullmq';

/**
 * Stores events the ingest worker gives up on in the `events-dead-letter` queue, with the
 * reason. Nothing consumes that queue: jobs wait there for an operator
 * (GET /internal/admin/dead_letters, the /internal/queues dashboard).
 */
@Injectable()
export class DeadLetterPublisher {
  constructor(@InjectQueue(QUEUES.eventsDeadLetter) private readonly queue: Queue<DeadLetterJob>) {}

  /** Idempotent: a letter re-published by a retried job or batch keeps one job (same id). */
  async publish(letters: readonly DeadLetterJob[]): Promise<void> {
    if (letters.length === 0) return;
    await this.queue.addBulk(
      letters.map((letter, index) => ({
        name: letter.stage,
        data: letter,
        opts: { jobId: deadLetterJobId(letter, index), removeOnComplete: false, removeOnFail: false },
      })),
    );
  }
}

/**
 * Rows rejected by ClickHouse (or unrenderable) are keyed by event id; invalid job
 * payloads by their source job and position. BullMQ ids may not contain ':'.
 */
export function deadLetterJobId(letter: DeadLetterJob, index: number): string {
  if (letter.stage !== 'validation' && letter.event_id !== '') {
    return `dl-${letter.stage}-${createHash('sha256').update(letter.event_id).digest('hex').slice(0, 32)}`;
  }
  return `dl-${letter.stage}-${letter.source_job_id.replace(/:/g, '_')}-${index}`;
}
