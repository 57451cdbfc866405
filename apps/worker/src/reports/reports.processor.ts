import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import type { AsyncReportJob, AsyncReportJobResult } from '@loupe/contracts';
import { InvalidReportJobError, LOUPE_CONFIG, MeasureStore, QUEUES, runAsyncReportJob, type LoupeConfig } from '@loupe/server-core';
import { UnrecoverableError, type Job } from 'bullmq';

/**
 * Builds async analytics reports (POST /v5/ad_accounts/{id}/reports) into files under
 * REPORTS_DIR, reporting progress (0–100) as it goes; each job first sweeps files past
 * REPORTS_FILE_TTL_SECONDS. The job id is the report token; running it twice rewrites
 * the same file.
 */
@Processor(QUEUES.reports, { concurrency: 2 })
export class ReportsProcessor extends WorkerHost {
  private readonly logger = new Logger(ReportsProcessor.name);

  constructor(
    private readonly store: MeasureStore,
    @Inject(LOUPE_CONFIG) private readonly config: LoupeConfig,
  ) {
    super();
  }

  async process(job: Job<AsyncReportJob>): Promise<AsyncReportJobResult> {
    try {
      const { removedExpired, ...result } = await runAsyncReportJob(this.store, this.config, job);
      if (removedExpired > 0) this.logger.log(`removed ${removedExpired} expired report files`);
      return result;
    } catch (err) {
      // A malformed payload will never succeed: fail it at once instead of retrying.
      if (err instanceof InvalidReportJobError) throw new UnrecoverableError(err.message);
      throw err;
    }
  }
}
