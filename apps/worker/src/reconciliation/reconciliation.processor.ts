import { Processor, WorkerHost } from '@nestjs/bullmq';
import { reconciliationJobSchema } from '@loupe/contracts';
import { QUEUES } from '@loupe/server-core';
import { UnrecoverableError, type Job } from 'bullmq';
import { ReconciliationService, type ReconciliationReport } from './reconciliation.service';

/** Runs `reconciliation` jobs: the repeatable check and any an operator adds. */
@Processor(QUEUES.reconciliation)
export class ReconciliationProcessor extends WorkerHost {
  constructor(private readonly reconciliation: ReconciliationService) {
    super();
  }

  async process(job: Job<unknown>): Promise<ReconciliationReport> {
    const parsed = reconciliationJobSchema.safeParse(job.data ?? {});
    if (!parsed.success) throw new UnrecoverableError(`invalid reconciliation job payload: ${parsed.error.message}`);
    return this.reconciliation.run(parsed.data);
  }
}
