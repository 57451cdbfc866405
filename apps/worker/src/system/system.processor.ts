import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { QUEUES } from '@loupe/server-core';
import type { Job } from 'bullmq';

export interface SystemPingPayload {
  /** Who asked; echoed back so a caller can match the answer. */
  requestedBy: string;
}

export interface SystemPingResult {
  pong: true;
  requestedBy: string;
  workerPid: number;
}

/** Answers `ping` jobs so operators and tests can prove the worker consumes its queues. */
@Processor(QUEUES.system)
export class SystemProcessor extends WorkerHost {
  private readonly logger = new Logger(SystemProcessor.name);

  async process(job: Job<SystemPingPayload>): Promise<SystemPingResult> {
    if (job.name !== 'ping') throw new Error(`Unknown system job "${job.name}"`);
    this.logger.debug(`ping from ${job.data.requestedBy}`);
    return { pong: true, requestedBy: job.data.requestedBy, workerPid: process.pid };
  }
}
