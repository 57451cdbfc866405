import { Injectable } from '@nestjs/common';
import { deadLetterJobSchema, type DeadLetterItem, type DeadLettersQuery, type DeadLettersResponse } from '@loupe/contracts';
import { ServiceUnavailableException } from '@loupe/server-core';
import { AdminQueues } from './admin-queues';

@Injectable()
export class DeadLettersService {
  constructor(private readonly queues: AdminQueues) {}

  /** Dead letters waiting in `events-dead-letter`, newest first. */
  async list(query: DeadLettersQuery): Promise<DeadLettersResponse> {
    const offset = Number(query.bookmark ?? 0);
    const queue = this.queues.deadLetters;
    let jobs;
    let total: number;
    try {
      [jobs, total] = await Promise.all([
        queue.getJobs(['waiting'], offset, offset + query.page_size - 1, false),
        queue.getJobCountByTypes('waiting'),
      ]);
    } catch {
      throw new ServiceUnavailableException('The queue store (Redis) is unreachable; try again shortly.');
    }
    const items: DeadLetterItem[] = [];
    for (const job of jobs) {
      if (!job?.id) continue;
      const parsed = deadLetterJobSchema.safeParse(job.data);
      // A job that does not match the contract is still shown, with what can be read of it.
      items.push(
        parsed.success
          ? { id: job.id, ...parsed.data }
          : { id: job.id, stage: 'validation', reason: 'unreadable dead letter', source_job_id: '', event_id: '', payload: job.data, failed_at_ms: job.timestamp },
      );
    }
    const next = offset + jobs.length;
    return { items, total, bookmark: next < total && jobs.length > 0 ? String(next) : null };
  }
}
